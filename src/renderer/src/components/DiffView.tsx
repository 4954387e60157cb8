import { useVirtualizer } from '@tanstack/react-virtual'
import { useEffect, useRef } from 'react'
import { DIFF_WINDOW, type DiffRows } from '../stores/pulls-store'

/** Height of one diff row in pixels (the CSS matches it). */
export const DIFF_ROW_HEIGHT = 20

/**
 * One file's diff as a virtual list: only the rows on screen are in the DOM, and rows are read
 * from the backend a window at a time as they scroll into view, so a diff of 100,000 lines
 * opens and scrolls like a short one.
 */
export function DiffView({
  diff,
  onNeedRow
}: {
  readonly diff: DiffRows
  readonly onNeedRow: (row: number) => void
}): React.JSX.Element {
  const scrollRef = useRef<HTMLDivElement>(null)
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: diff.totalLines,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => DIFF_ROW_HEIGHT,
    overscan: 20
  })
  const items = virtualizer.getVirtualItems()
  const first = items[0]?.index ?? 0
  const last = items.at(-1)?.index ?? 0
  useEffect(() => {
    for (let row = first; row <= last; row += DIFF_WINDOW) onNeedRow(row)
    onNeedRow(last)
  }, [first, last, onNeedRow])

  if (diff.binary) return <p className="muted">A binary file: no lines to show.</p>
  if (diff.totalLines === 0) return <p className="muted">No changed lines.</p>
  return (
    <div
      ref={scrollRef}
      className="diff-scroll"
      data-testid="diff-view"
      tabIndex={0}
      aria-label={`Diff of ${diff.path}, ${diff.totalLines} rows`}
    >
      <div className="diff-rows" style={{ height: virtualizer.getTotalSize() }}>
        {items.map((item) => {
          const window = diff.windows[Math.floor(item.index / DIFF_WINDOW)]
          const row = window?.[item.index % DIFF_WINDOW]
          return (
            <div
              key={item.key}
              className={`diff-row ${row ? row.kind : 'loading'}`}
              style={{ transform: `translateY(${item.start}px)` }}
              data-testid="diff-row"
            >
              <span className="diff-num">{row?.oldLine ?? ''}</span>
              <span className="diff-num">{row?.newLine ?? ''}</span>
              <span className="diff-sign" aria-hidden="true">
                {row?.kind === 'add' ? '+' : row?.kind === 'del' ? '−' : ' '}
              </span>
              <span className="diff-text">{row ? row.text : '…'}</span>
            </div>
          )
        })}
      </div>
    </div>
  )
}
