import { useEffect, useMemo, useRef } from 'react'
import type { TestRun } from '../../../shared'
import { formatAbsolute, formatDuration, shortSha } from '../lib/format'
import { LogViewer, type LogTools } from '../components/LogViewer'
import { RunFindings } from '../components/RunHistory'
import { summaryBeyondStatus, TestStatus } from '../components/TestStatus'
import { useStores } from '../stores/hooks'
import { useTests } from '../stores/use-tests'
import { CloseButton } from '../components/ui/CloseButton'
import { keepTabInside } from '../lib/focus-trap'

/**
 * The run open from a card, the drawer or the queue: what was tested, its result, Re-run and
 * Cancel, and the live log. Escape closes it.
 */
export function RunView(): React.JSX.Element | null {
  const { tests } = useStores()
  const runId = useTests((s) => s.openRunId)
  const run = useTests((s) => (s.openRunId ? (s.runs[s.openRunId] ?? null) : null))
  const log = useTests((s) => s.log)
  const error = useTests((s) => s.error)
  const closeRef = useRef<HTMLButtonElement>(null)
  const boxRef = useRef<HTMLElement>(null)

  useEffect(() => {
    if (!runId) return
    const previous = document.activeElement
    closeRef.current?.focus()
    const onKeyDown = (e: KeyboardEvent): void => {
      // A modal: Tab cycles inside the run view, never to the board behind it.
      if (e.key === 'Tab') return keepTabInside(boxRef.current, e)
      if (e.key !== 'Escape') return
      e.preventDefault()
      e.stopPropagation()
      tests.getState().closeRun()
    }
    // Capture: the board's own Escape (close the drawer) must not fire underneath.
    document.addEventListener('keydown', onKeyDown, true)
    return () => {
      document.removeEventListener('keydown', onKeyDown, true)
      if (previous instanceof HTMLElement) previous.focus({ preventScroll: true })
    }
  }, [runId, tests])

  const tools = useMemo((): LogTools => {
    const t = tests.getState()
    return {
      onLoadEarlier: () => void t.loadEarlier(),
      onLoadLater: () => void t.loadLater(),
      jumpTo: (hit) => void t.jumpTo(hit),
      followEnd: () => void t.followEnd(),
      search: t.searchLog,
      readAll: t.readWholeLog,
      fileName: logFileName(run)
    }
  }, [tests, run])

  if (!runId) return null
  // The header shows status and exit code already; the summary adds to them or is left out.
  const summary = run ? summaryBeyondStatus(run) : ''
  const active = run !== null && (run.status === 'queued' || run.status === 'running')
  return (
    <div
      className="run-view-backdrop"
      onClick={(e) => {
        if (e.target === e.currentTarget) tests.getState().closeRun()
      }}
    >
      <section
        ref={boxRef}
        className="run-view"
        data-testid="run-view"
        role="dialog"
        aria-modal="true"
        aria-labelledby="run-view-title"
      >
        <header className="run-view-header">
          <h2 id="run-view-title">
            {run ? `${run.branch}${run.kind === 'merge' ? ' (merge result)' : ''}` : 'Test run'}
          </h2>
          {run && <TestStatus run={run} kind={run.kind} />}
          {run && (
            <code className="sha" title={run.sha}>
              {shortSha(run.sha)}
              {run.mainSha && ` + ${shortSha(run.mainSha)}`}
            </code>
          )}
          {run?.startedAt && (
            <span className="muted" title={formatAbsolute(run.startedAt)}>
              started {formatAbsolute(run.startedAt)}
            </span>
          )}
          {run?.durationMs !== null && run?.durationMs !== undefined && (
            <span className="muted">{formatDuration(run.durationMs)}</span>
          )}
          {run?.exitCode !== null && run?.exitCode !== undefined && (
            <span className="muted">exit {run.exitCode}</span>
          )}
          <span className="spacer" />
          {run && (
            <button
              type="button"
              onClick={() => void tests.getState().rerun(run.branch, run.kind)}
              title="Run the tests of this branch again"
            >
              Re-run
            </button>
          )}
          {active && (
            <button type="button" onClick={() => void tests.getState().cancel(run.id)}>
              Cancel
            </button>
          )}
          <CloseButton
            ref={closeRef}
            label="Close the run"
            title="Close (Escape)"
            onClick={() => tests.getState().closeRun()}
          />
        </header>
        {(summary || error) && (
          <div className="run-view-summary">
            {summary}
            {error && (
              <span className="inline-error" role="alert">
                {' '}
                {error.message}
              </span>
            )}
          </div>
        )}
        {run && (run.failedTests.length > 0 || run.conflicts.length > 0) && (
          <div className="run-view-summary">
            <RunFindings run={run} />
          </div>
        )}
        {log && <LogViewer log={log} tools={tools} label="Test log" />}
      </section>
    </div>
  )
}

/** The name a run's log is downloaded under: branch, kind and commit, safe as a file name. */
export function logFileName(run: TestRun | null): string {
  if (!run) return 'test-run.log'
  const branch = run.branch.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+/, '')
  return `${branch || 'run'}-${run.kind}-${shortSha(run.sha)}.log`
}
