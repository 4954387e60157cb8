import { z } from 'zod'
import { MAX_LOG_QUERY_CHARS } from './log-match'

// The matching itself lives in log-match.ts, which imports no zod: the renderer searches a
// deployment's log in memory with it, and zod in the renderer's bundle probes `Function`
// (an eval that the page's Content-Security-Policy refuses and reports).
export * from './log-match'

/** What to look for in a log: a text (case-insensitive unless asked), or the lines that fail. */
export const LogQuerySchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('text'),
      text: z.string().min(1, 'type something to search for').max(MAX_LOG_QUERY_CHARS),
      caseSensitive: z.boolean().optional()
    })
    .strict(),
  z.object({ kind: z.literal('failures') }).strict()
])
export type LogQuery = z.infer<typeof LogQuerySchema>

/** One match in a log: its line (0-based), where that line starts, and where on it the match is. */
export const LogHitSchema = z.object({
  line: z.number().int().min(0),
  /** Byte offset of the line's first byte in the stored log. */
  offset: z.number().int().min(0),
  /** Where the match starts in the line as shown (escape codes left out), in characters. */
  column: z.number().int().min(0),
  length: z.number().int().min(0),
  /** The line as shown, cut to {@link MAX_HIT_PREVIEW_CHARS}. */
  preview: z.string()
})
export type LogHit = z.infer<typeof LogHitSchema>

/** The answer of a log search over a whole stored log. */
export const LogSearchResultSchema = z.object({
  /** The first {@link MAX_LOG_HITS} matches, in log order. */
  hits: z.array(LogHitSchema),
  /** Every match counted, also those beyond `hits`. */
  total: z.number().int().min(0),
  /** How many bytes were searched, and how big the log was then. */
  searchedBytes: z.number().int().min(0),
  totalBytes: z.number().int().min(0)
})
export type LogSearchResult = z.infer<typeof LogSearchResultSchema>
