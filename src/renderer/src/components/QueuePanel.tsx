import { useEffect, useLayoutEffect, useRef, type RefObject } from 'react'
import type { TestRun } from '../../../shared'
import { shortSha } from '../lib/format'
import { useTests } from '../stores/use-tests'
import { TestStatus } from './TestStatus'
import { CloseButton } from './ui/CloseButton'
import { useBranches, useStores } from '../stores/hooks'

function QueueItem({
  run,
  panel
}: {
  readonly run: TestRun
  readonly panel: RefObject<HTMLElement | null>
}): React.JSX.Element {
  const { tests } = useStores()
  const itemRef = useRef<HTMLLIElement>(null)
  // A run that ends leaves the list. If its Log or Cancel has focus, the focus goes to the
  // panel before the row is removed (the row is still in the page here), never to the page.
  useLayoutEffect(() => {
    const item = itemRef.current
    return () => {
      if (item?.contains(document.activeElement)) panel.current?.focus({ preventScroll: true })
    }
  }, [panel])
  return (
    <li ref={itemRef} className="queue-item" data-testid="queue-item" data-status={run.status}>
      <TestStatus run={run} kind={run.kind} compact />
      <span className="queue-branch" title={run.branch}>
        {run.branch}
        {run.kind === 'merge' ? ' (merge)' : ''}
      </span>
      <code className="sha">{shortSha(run.sha)}</code>
      <button
        type="button"
        className="link-button"
        onClick={() => void tests.getState().openRun(run.id)}
      >
        Log
      </button>
      <button
        type="button"
        className="link-button"
        onClick={() => void tests.getState().cancel(run.id)}
      >
        Cancel
      </button>
    </li>
  )
}

/** The header button that opens the queue panel, with how many runs are waiting or running. */
export function QueueButton(): React.JSX.Element | null {
  const { tests } = useStores()
  const queue = useTests((s) => s.queue)
  const open = useTests((s) => s.queueOpen)
  const availability = useTests((s) => s.availability.kind)
  if (availability !== 'ready' || !queue) return null
  const busy = queue.running.length + queue.queued.length
  return (
    <button
      type="button"
      aria-expanded={open}
      aria-controls="queue-panel"
      data-testid="queue-button"
      onClick={() => tests.getState().toggleQueue()}
      title="Test runs running and waiting"
    >
      {/* "Queue" below 1500 px wide (the header's row at 1280 px); the name stays "Test queue". */}
      <span className="label-long">Test queue</span>
      <span className="label-short">
        <span className="visually-hidden">Test </span>Queue
      </span>
      <span className="queue-button-count">{queue.paused ? 'paused' : busy}</span>
    </button>
  )
}

/** The queue: what runs now, what waits, pause/resume and cancel all. Escape closes it. */
export function QueuePanel(): React.JSX.Element | null {
  const { tests } = useStores()
  const queue = useTests((s) => s.queue)
  const open = useTests((s) => s.queueOpen)
  // With the drawer open the panel stands beside it, never over its close button.
  const besideDrawer = useBranches((s) => s.drawerOpen)
  const panelRef = useRef<HTMLElement>(null)

  useEffect(() => {
    if (!open) return
    panelRef.current?.focus()
    const onKeyDown = (e: KeyboardEvent): void => {
      if (e.key !== 'Escape' || tests.getState().openRunId) return
      e.preventDefault()
      e.stopPropagation()
      tests.getState().toggleQueue(false)
    }
    document.addEventListener('keydown', onKeyDown, true)
    return () => document.removeEventListener('keydown', onKeyDown, true)
  }, [open, tests])

  // Runs start, end and move between the lists while the user tabs. A focused row that is
  // removed hands focus to the panel itself (QueueItem). A focused row that React moves (a
  // keyed reorder re-inserts the node) loses focus in Chromium without being removed: right
  // after the commit, before any key press is handled, focus goes back to that same control.
  const focusInside = useRef(false)
  const lastFocused = useRef<HTMLElement | null>(null)
  useLayoutEffect(() => {
    if (!open || !focusInside.current) return
    const active = document.activeElement
    if (active && active !== document.body) return
    const target = lastFocused.current?.isConnected ? lastFocused.current : panelRef.current
    target?.focus({ preventScroll: true })
  })

  if (!open || !queue) return null
  return (
    <section
      ref={panelRef}
      id="queue-panel"
      className={besideDrawer ? 'queue-panel beside-drawer' : 'queue-panel'}
      data-testid="queue-panel"
      aria-labelledby="queue-panel-title"
      tabIndex={-1}
      onFocus={(e) => {
        focusInside.current = true
        lastFocused.current = e.target
      }}
      onBlur={(e) => {
        if (e.relatedTarget === null) {
          // The focused control left the DOM (or the click landed on nothing focusable).
          const panel = e.currentTarget
          setTimeout(() => {
            if (panel.isConnected && document.activeElement === document.body) panel.focus()
          })
        } else if (!e.currentTarget.contains(e.relatedTarget)) focusInside.current = false
      }}
    >
      <div className="queue-panel-header">
        <h2 id="queue-panel-title">Test queue</h2>
        <span className="muted">at most {queue.concurrency} at once</span>
        <span className="spacer" />
        <button type="button" onClick={() => void tests.getState().setPaused(!queue.paused)}>
          {queue.paused ? 'Resume' : 'Pause'}
        </button>
        <button
          type="button"
          onClick={() => {
            if (queue.running.length + queue.queued.length > 0) void tests.getState().cancelAll()
          }}
          // aria-disabled, not disabled: a focused button that turns disabled drops focus.
          aria-disabled={queue.running.length + queue.queued.length === 0}
        >
          Cancel all
        </button>
        <CloseButton label="Close the queue" onClick={() => tests.getState().toggleQueue(false)} />
      </div>
      {queue.paused && (
        <p className="tests-note">Paused: new commits are queued but not started.</p>
      )}
      <h3>Running ({queue.running.length})</h3>
      {queue.running.length === 0 ? (
        <p className="muted">Nothing is running.</p>
      ) : (
        <ul className="queue-list">
          {queue.running.map((run) => (
            <QueueItem key={run.id} run={run} panel={panelRef} />
          ))}
        </ul>
      )}
      <h3>Waiting ({queue.queued.length})</h3>
      {queue.queued.length === 0 ? (
        <p className="muted">Nothing is waiting.</p>
      ) : (
        <ul className="queue-list">
          {queue.queued.map((run) => (
            <QueueItem key={run.id} run={run} panel={panelRef} />
          ))}
        </ul>
      )}
    </section>
  )
}
