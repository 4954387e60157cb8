import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react'
import type { LogHit, LogQuery, LogSearchResult } from '../../../shared'
import { plural } from './format'

/** A search over a whole log and the hit the viewer shows. */
export interface LogSearchState {
  /** The text in the search box. */
  readonly text: string
  /** What the result answers (the text searched, or failing lines); null before any. */
  readonly query: LogQuery | null
  readonly result: LogSearchResult | null
  /** The hit shown, an index into `result.hits`. */
  readonly index: number
  readonly busy: boolean
  readonly error: string | null
}

const IDLE: LogSearchState = {
  text: '',
  query: null,
  result: null,
  index: 0,
  busy: false,
  error: null
}
// Typing pauses this long before the whole log is searched.
const TYPING_MS = 250

/** What the search answered, in words (for the status line, which screen readers hear). */
export function searchStatus(state: LogSearchState): string {
  if (state.busy) return 'Searching the whole log…'
  if (state.error) return state.error
  const { result, query } = state
  if (!result || !query) return ''
  const failures = query.kind === 'failures'
  if (result.total === 0) return failures ? 'No failing line found' : 'No match in the whole log'
  const hit = result.hits[state.index]
  const where = hit ? `, line ${(hit.line + 1).toLocaleString('en')}` : ''
  const what = failures ? 'Failing line' : 'Match'
  const more =
    result.total > result.hits.length
      ? ` (first ${result.hits.length.toLocaleString('en')} of ${plural(result.total, 'match', 'matches')})`
      : ''
  const cut =
    result.searchedBytes < result.totalBytes
      ? `; searched the first ${Math.round(result.searchedBytes / 1048576)} MiB`
      : ''
  return `${what} ${state.index + 1} of ${result.hits.length.toLocaleString('en')}${where}${more}${cut}`
}

/**
 * Search over a whole log (the backend's, or the log in memory) with next / previous and the
 * first failing line; each hit shown is handed to `jumpTo` (which loads its window).
 */
export function useLogSearch(
  search: (query: LogQuery) => Promise<LogSearchResult>,
  jumpTo: (hit: LogHit) => void
): {
  readonly state: LogSearchState
  readonly active: LogHit | null
  setText(text: string): void
  step(by: 1 | -1): void
  firstFailure(): void
} {
  const [state, setState] = useState<LogSearchState>(IDLE)
  const seq = useRef(0)
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null)
  // The state the key handlers step from (they run between renders).
  const latest = useRef(state)
  useLayoutEffect(() => {
    latest.current = state
  })

  const run = useCallback(
    (query: LogQuery, text: string, index = 0): void => {
      const at = ++seq.current
      setState((s) => ({ ...s, text, busy: true, error: null }))
      search(query).then(
        (result) => {
          if (at !== seq.current) return
          const i = Math.min(Math.max(0, index), Math.max(0, result.hits.length - 1))
          setState({ text, query, result, index: i, busy: false, error: null })
          const hit = result.hits[i]
          if (hit) jumpTo(hit)
        },
        (err: unknown) => {
          if (at !== seq.current) return
          const message = err instanceof Error ? err.message : String(err)
          setState({ ...IDLE, text, error: `The search failed: ${message}` })
        }
      )
    },
    [search, jumpTo]
  )

  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current)
    },
    []
  )

  const setText = useCallback(
    (text: string): void => {
      if (timer.current) clearTimeout(timer.current)
      seq.current++
      if (text.trim() === '') {
        setState({ ...IDLE, text })
        return
      }
      setState((s) => ({ ...s, text }))
      timer.current = setTimeout(() => run({ kind: 'text', text }, text), TYPING_MS)
    },
    [run]
  )

  const step = useCallback(
    (by: 1 | -1): void => {
      const s = latest.current
      const typed = s.text.trim() !== ''
      // The box changed since the last search (or the last was for failing lines): search it now.
      if (typed && (s.query?.kind !== 'text' || s.query.text !== s.text)) {
        if (timer.current) clearTimeout(timer.current)
        run({ kind: 'text', text: s.text }, s.text, by === 1 ? 0 : Number.MAX_SAFE_INTEGER)
        return
      }
      const hits = s.result?.hits ?? []
      if (hits.length === 0 || s.busy) return
      const index = (s.index + by + hits.length) % hits.length
      setState({ ...s, index })
      jumpTo(hits[index]!)
    },
    [run, jumpTo]
  )

  const firstFailure = useCallback((): void => {
    if (timer.current) clearTimeout(timer.current)
    run({ kind: 'failures' }, '')
  }, [run])

  const active = state.result?.hits[state.index] ?? null
  return { state, active, setText, step, firstFailure }
}
