import { useVirtualizer } from '@tanstack/react-virtual'
import { useEffect, useLayoutEffect, useRef } from 'react'
import { PLAIN, parseAnsi, type AnsiStyle } from '../lib/ansi'
import type { RunLogState } from '../stores/tests-store'

/** Height of one log line in pixels (the CSS matches it). */
export const LOG_LINE_HEIGHT = 18
// Lines parsed before the first visible one, so a colour set earlier carries into view.
const STYLE_LOOKBACK = 50

/**
 * The log of one run: only the lines in view exist in the DOM (a 50 MB log scrolls like a short
 * one), ANSI colours rendered. It follows the end while scrolled to the bottom, and reads the
 * window before what is loaded when scrolled to the top.
 */
export function LogViewer({
  log,
  onLoadEarlier
}: {
  readonly log: RunLogState
  readonly onLoadEarlier: () => void
}): React.JSX.Element {
  const scrollRef = useRef<HTMLDivElement>(null)
  const follow = useRef(true)
  const shape = useRef({ count: 0, startByte: log.startByte })
  const count = log.lines.length

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
    if (log.startByte < before.startByte) {
      // Earlier lines were put in front: keep the lines the user looks at where they were.
      el.scrollTop += (count - before.count) * LOG_LINE_HEIGHT
    } else if (follow.current && count !== before.count) {
      el.scrollTop = el.scrollHeight
    }
  }, [count, log.startByte])

  useEffect(() => {
    const el = scrollRef.current
    if (el && follow.current) el.scrollTop = el.scrollHeight
  }, [])

  const onScroll = (): void => {
    const el = scrollRef.current
    if (!el) return
    follow.current = el.scrollTop + el.clientHeight >= el.scrollHeight - LOG_LINE_HEIGHT * 2
    if (el.scrollTop < LOG_LINE_HEIGHT * 20 && log.startByte > 0 && !log.loading) onLoadEarlier()
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
    return { item, spans: parsed.spans }
  })
  // Line numbers count from the first loaded line; unknown before it until it is read.
  const numbered = log.startByte === 0

  return (
    <div
      ref={scrollRef}
      className="log-viewer"
      data-testid="log-viewer"
      tabIndex={0}
      role="log"
      aria-label="Test log"
      aria-busy={log.loading}
      onScroll={onScroll}
    >
      {log.startByte > 0 && (
        <div className="log-note">
          {log.loading ? 'Reading earlier output…' : 'Scroll up for earlier output'} (
          {Math.round(log.startByte / 1024).toLocaleString('en')} KiB before this)
        </div>
      )}
      <div className="log-inner" style={{ height: virtualizer.getTotalSize() }}>
        {rows.map(({ item, spans }) => (
          <div
            key={item.key}
            className="log-line"
            style={{ transform: `translateY(${item.start}px)` }}
          >
            {numbered && <span className="log-line-no">{item.index + 1}</span>}
            {spans.map((span, i) => (
              <span
                key={i}
                className={
                  [span.color ? `ansi-${span.color}` : '', span.bold ? 'ansi-bold' : '']
                    .join(' ')
                    .trim() || undefined
                }
              >
                {span.text}
              </span>
            ))}
          </div>
        ))}
      </div>
      {!log.loading && count <= 1 && (log.lines[0] ?? '') === '' && (
        <div className="log-note">No output yet.</div>
      )}
      {log.error && (
        <div className="log-note" role="alert">
          {log.error.message}
        </div>
      )}
    </div>
  )
}
