import type { AnsiSpan } from './ansi'

/** A search hit on one line: where it starts in the line as shown, how long, if it is the one shown. */
export interface MarkRange {
  readonly column: number
  readonly length: number
  readonly current: boolean
}

/** A styled piece of a line, marked when it is part of a search hit. */
export type MarkedSpan = AnsiSpan & { readonly mark?: 'current' | 'other' }

/**
 * Splits a line's styled spans where search hits start and end, so each hit can be drawn
 * marked (the current one differently) while the colours around it stay as they were.
 */
export function markSpans(
  spans: readonly AnsiSpan[],
  ranges: readonly MarkRange[]
): readonly MarkedSpan[] {
  const sorted = [...ranges].filter((r) => r.length > 0).sort((a, b) => a.column - b.column)
  if (sorted.length === 0) return spans
  const out: MarkedSpan[] = []
  let at = 0
  for (const span of spans) {
    const end = at + span.text.length
    let from = at
    while (from < end) {
      const range = sorted.find((r) => r.column + r.length > from && r.column < end)
      if (!range) break
      if (range.column > from)
        out.push({ ...span, text: span.text.slice(from - at, range.column - at) })
      const start = Math.max(from, range.column)
      const stop = Math.min(end, range.column + range.length)
      out.push({
        ...span,
        text: span.text.slice(start - at, stop - at),
        mark: range.current ? 'current' : 'other'
      })
      from = stop
    }
    if (from < end) out.push({ ...span, text: span.text.slice(from - at) })
    at = end
  }
  return out
}
