import type { LogHit, LogQuery, LogSearchResult } from './log-search'

/** The longest text a log search looks for. */
export const MAX_LOG_QUERY_CHARS = 200
/** The most hits one log search answers (it still counts every match). */
export const MAX_LOG_HITS = 1000
/** How much of a hit's line a search answers (a preview, not the whole line). */
export const MAX_HIT_PREVIEW_CHARS = 240

// The escapes the log viewer strips (as src/renderer/src/lib/ansi.ts): CSI, OSC, other ESC.
// eslint-disable-next-line no-control-regex
const ESCAPE = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[ -/]*[0-~]?/g
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f]/g

/**
 * A log line as the viewer shows it: escape codes and control characters left out, and what a
 * carriage return overwrites (a progress bar's earlier states) dropped, as on a terminal.
 */
export function visibleText(line: string): string {
  const from = line.replace(/\r+$/, '').lastIndexOf('\r') + 1
  return line.slice(from).replace(ESCAPE, '').replace(CONTROL, '')
}

// A line that says something failed, in the words of common test runners and tools: TAP's
// "not ok", FAIL/FAILED/ERROR in capitals (vitest, jest, pytest, go test, mocha), a thrown
// error's head ("AssertionError:", "TypeError [ERR_X]:"), npm's "npm ERR!", a Rust panic, and
// the crosses runners print before a failed test. Summaries such as "# fail 0" do not match.
const FAILURE =
  /^\s*not ok\b|\b(?:FAIL|FAILED|FAILURE|ERROR)\b|\b[A-Z]\w*(?:Error|Exception)\b(?: \[\w+\])?:|^npm ERR!|\bpanicked at\b|^\s*[✗✖×]\s/u

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** A matcher for one query: the matches in a line as shown ({ column, length } each). */
export function lineMatcher(
  query: LogQuery
): (shown: string) => { column: number; length: number }[] {
  if (query.kind === 'failures') {
    return (shown) => {
      const m = FAILURE.exec(shown)
      return m ? [{ column: m.index, length: m[0].length }] : []
    }
  }
  // The query is escaped: a search can never be a regular expression that runs away.
  const pattern = new RegExp(escapeRegExp(query.text), query.caseSensitive ? 'gu' : 'giu')
  return (shown) => {
    const out: { column: number; length: number }[] = []
    for (const m of shown.matchAll(pattern)) out.push({ column: m.index, length: m[0].length })
    return out
  }
}

/** A collector of hits in log order, keeping the first {@link MAX_LOG_HITS} and counting all. */
export class LogHitCollector {
  readonly hits: LogHit[] = []
  total = 0
  private readonly match: (shown: string) => { column: number; length: number }[]

  constructor(query: LogQuery) {
    this.match = lineMatcher(query)
  }

  /** Looks at one raw line (`line` its number, `offset` its first byte in the log). */
  add(raw: string, line: number, offset: number): void {
    const shown = visibleText(raw)
    const found = this.match(shown)
    if (found.length === 0) return
    this.total += found.length
    for (const { column, length } of found) {
      if (this.hits.length >= MAX_LOG_HITS) return
      this.hits.push({ line, offset, column, length, preview: preview(shown, column) })
    }
  }
}

// The part of a long line around a match (the match stays in it).
function preview(shown: string, column: number): string {
  if (shown.length <= MAX_HIT_PREVIEW_CHARS) return shown
  const from = Math.max(0, Math.min(column - 40, shown.length - MAX_HIT_PREVIEW_CHARS))
  return shown.slice(from, from + MAX_HIT_PREVIEW_CHARS)
}

const encoder = new TextEncoder()

/** Searches a log held in memory as lines (a deployment's log), as the stored-log search does. */
export function searchLines(lines: readonly string[], query: LogQuery): LogSearchResult {
  const collector = new LogHitCollector(query)
  let offset = 0
  lines.forEach((raw, i) => {
    collector.add(raw, i, offset)
    offset += encoder.encode(raw).length + 1
  })
  const bytes = Math.max(0, offset - 1)
  return {
    hits: collector.hits,
    total: collector.total,
    searchedBytes: bytes,
    totalBytes: bytes
  }
}
