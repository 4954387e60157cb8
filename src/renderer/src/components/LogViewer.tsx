import { useVirtualizer } from '@tanstack/react-virtual'
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react'
import type { LogHit, LogQuery, LogSearchResult } from '../../../shared'
import { PLAIN, parseAnsi, type AnsiStyle } from '../lib/ansi'
import { markSpans, type MarkRange } from '../lib/log-marks'
import { useLogSearch } from '../lib/use-log-search'
import type { LogWindow } from '../stores/log-window'
import { LogToolbar } from './LogToolbar'
import '../styles/logs.css'

/** Height of one log line in pixels (the CSS matches it). */
export const LOG_LINE_HEIGHT = 18
// Lines parsed before the first visible one, so a colour set earlier carries into view.
const STYLE_LOOKBACK = 50

/** What a viewer can do with its log besides showing the window it holds. */
export interface LogTools {
  readonly onLoadEarlier: () => void
  readonly onLoadLater: () => void
  /** Loads the window holding a hit's line when it is not loaded. */
  readonly jumpTo: (hit: LogHit) => void
  /** Back to the live end (reads it again when the window was left there). */
  readonly followEnd: () => void
  /** Searches the whole log, not only the window. */
  readonly search: (query: LogQuery) => Promise<LogSearchResult>
  readonly readAll: () => Promise<string>
  /** The name a download is saved under. */
  readonly fileName: string
}

/**
 * A log with tools: only the lines in view exist in the DOM (a 50 MB log scrolls like a short
 * one), ANSI colours rendered, search over the whole log with every hit marked, the first
 * failing line, follow / pause, copy and download. Reads earlier output when scrolled to the
 * top, and later output when scrolled to the bottom of a window the user jumped to.
 * Keys: Ctrl+F or / to search, Enter / Shift+Enter (F3 / Shift+F3) for the next / previous hit.
 */
export function LogViewer({
  log,
  tools,
  label = 'Log'
}: {
  readonly log: LogWindow
  readonly tools: LogTools
  readonly label?: string
}): React.JSX.Element {
  const scrollRef = useRef<HTMLDivElement>(null)
  const searchRef = useRef<HTMLInputElement>(null)
  const [following, setFollowing] = useState(true)
  const follow = useRef(true)
  const shape = useRef({ count: 0, startByte: log.startByte })
  const shown = useRef<LogHit | null>(null)
  const count = log.lines.length
  const { state, active, setText, step, firstFailure } = useLogSearch(tools.search, tools.jumpTo)

  const setFollow = (on: boolean): void => {
    follow.current = on
    setFollowing(on)
  }

  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => LOG_LINE_HEIGHT,
    overscan: 30,
    useFlushSync: false,
    initialRect: { width: 900, height: 600 }
  })

  useLayoutEffect(() => {
    const el = scrollRef.current
    const before = shape.current
    shape.current = { count, startByte: log.startByte }
    if (!el) return
    if (log.startByte < before.startByte && log.endByte >= before.startByte) {
      // Earlier lines were put in front: keep the lines the user looks at where they were.
      el.scrollTop += (count - before.count) * LOG_LINE_HEIGHT
    } else if (follow.current && count !== before.count) {
      el.scrollTop = el.scrollHeight
    }
  }, [count, log.startByte, log.endByte])

  useEffect(() => {
    const el = scrollRef.current
    if (el && follow.current) el.scrollTop = el.scrollHeight
  }, [])

  // The hit shown: scrolled to once its line is in the window (after its window is read).
  useEffect(() => {
    if (!active || shown.current === active || log.firstLine === null) return
    const row = active.line - log.firstLine
    if (row < 0 || row >= count) return
    shown.current = active
    setFollow(false)
    virtualizer.scrollToIndex(row, { align: 'center' })
  }, [active, log.firstLine, count, virtualizer])

  const marks = useMemo(() => {
    const byLine = new Map<number, MarkRange[]>()
    for (const hit of state.result?.hits ?? []) {
      const ranges = byLine.get(hit.line) ?? []
      ranges.push({ column: hit.column, length: hit.length, current: hit === active })
      byLine.set(hit.line, ranges)
    }
    return byLine
  }, [state.result, active])

  const onScroll = (): void => {
    const el = scrollRef.current
    if (!el) return
    const atEnd = el.scrollTop + el.clientHeight >= el.scrollHeight - LOG_LINE_HEIGHT * 2
    if (atEnd !== follow.current && !log.detached) setFollow(atEnd)
    if (el.scrollTop < LOG_LINE_HEIGHT * 20 && log.startByte > 0 && !log.loading) {
      tools.onLoadEarlier()
    }
    if (atEnd && log.detached && !log.loading) tools.onLoadLater()
  }

  const onFollow = (on: boolean): void => {
    setFollow(on)
    if (!on) return
    tools.followEnd()
    const el = scrollRef.current
    if (el) el.scrollTop = el.scrollHeight
  }

  const onKeyDown = (e: React.KeyboardEvent): void => {
    const inSearch = e.target === searchRef.current
    if ((e.key === 'f' && (e.ctrlKey || e.metaKey)) || (e.key === '/' && !inSearch)) {
      e.preventDefault()
      searchRef.current?.focus()
      searchRef.current?.select()
    } else if (e.key === 'F3') {
      e.preventDefault()
      step(e.shiftKey ? -1 : 1)
    }
  }

  const items = virtualizer.getVirtualItems()
  const first = items[0]?.index ?? 0
  let style: AnsiStyle = PLAIN
  for (let i = Math.max(0, first - STYLE_LOOKBACK); i < first; i++) {
    style = parseAnsi(log.lines[i] ?? '', style).end
  }
  const rows = items.map((item) => {
    const parsed = parseAnsi(log.lines[item.index] ?? '', style)
    style = parsed.end
    const lineNo = log.firstLine === null ? null : log.firstLine + item.index
    const ranges = lineNo === null ? undefined : marks.get(lineNo)
    return { item, lineNo, spans: ranges ? markSpans(parsed.spans, ranges) : parsed.spans }
  })
  const kib = (bytes: number): string => Math.round(bytes / 1024).toLocaleString('en')

  return (
    <div className="log-panel" onKeyDown={onKeyDown}>
      <LogToolbar
        ref={searchRef}
        search={state}
        onText={setText}
        onStep={step}
        onFirstFailure={firstFailure}
        following={following}
        onFollow={onFollow}
        readAll={tools.readAll}
        fileName={tools.fileName}
      />
      <div
        ref={scrollRef}
        className="log-viewer"
        data-testid="log-viewer"
        tabIndex={0}
        role="log"
        aria-label={label}
        aria-busy={log.loading}
        onScroll={onScroll}
      >
        {log.startByte > 0 && (
          <div className="log-note">
            {log.loading ? 'Reading…' : 'Scroll up for earlier output'} ({kib(log.startByte)} KiB
            before this)
          </div>
        )}
        <div className="log-inner" style={{ height: virtualizer.getTotalSize() }}>
          {rows.map(({ item, lineNo, spans }) => (
            <div
              key={item.key}
              className={
                active && lineNo === active.line ? 'log-line log-line-current' : 'log-line'
              }
              data-line={lineNo ?? undefined}
              style={{ transform: `translateY(${item.start}px)` }}
            >
              {lineNo !== null && <span className="log-line-no">{lineNo + 1}</span>}
              {spans.map((span, i) => {
                const className =
                  [span.color ? `ansi-${span.color}` : '', span.bold ? 'ansi-bold' : '']
                    .join(' ')
                    .trim() || undefined
                if (!('mark' in span) || !span.mark) {
                  return (
                    <span key={i} className={className}>
                      {span.text}
                    </span>
                  )
                }
                const current = span.mark === 'current'
                return (
                  <mark
                    key={i}
                    className={current ? 'log-mark log-mark-current' : 'log-mark'}
                    data-testid={current ? 'log-hit-current' : undefined}
                  >
                    {span.text}
                  </mark>
                )
              })}
            </div>
          ))}
        </div>
        {log.detached && (
          <div className="log-note">
            {log.loading ? 'Reading…' : 'Scroll down for later output'} (
            {kib(log.totalBytes - log.endByte)} KiB after this; Follow goes to the end)
          </div>
        )}
        {!log.loading && count <= 1 && (log.lines[0] ?? '') === '' && (
          <div className="log-note">No output yet.</div>
        )}
        {log.error && (
          <div className="log-note" role="alert">
            {log.error.message}
          </div>
        )}
      </div>
    </div>
  )
}
