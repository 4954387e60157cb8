import type { BranchTestState, TestRun } from '../../../shared'
import { formatAbsolute, formatDuration, formatRelative, shortSha } from '../lib/format'
import { useStores } from '../stores/hooks'
import { useTests } from '../stores/use-tests'
import { summaryBeyondStatus, TestStatus } from './TestStatus'
import { TestsUnavailable } from './TestStatusLine'

/** The failing tests read from JUnit XML, and the files of a merge conflict. */
export function RunFindings({ run }: { readonly run: TestRun }): React.JSX.Element | null {
  if (run.conflicts.length === 0 && run.failedTests.length === 0) return null
  return (
    <>
      {run.conflicts.length > 0 && (
        <p className="tests-note" data-testid="run-conflicts">
          Merge conflict in {run.conflicts.map((f) => f).join(', ')}
        </p>
      )}
      {run.failedTests.length > 0 && (
        <ul className="run-failures" data-testid="run-failures" aria-label="Failing tests">
          {run.failedTests.map((t, i) => (
            <li key={`${t.suite}/${t.name}/${i}`}>
              <strong>{t.name}</strong> <span className="muted">{t.suite}</span>
              {t.message && <span className="failure-message">{t.message}</span>}
            </li>
          ))}
        </ul>
      )}
    </>
  )
}

/** One run in a list: status, sha, when, how long, and its controls. */
function RunItem({
  run,
  now,
  onOpen,
  onCancel
}: {
  readonly run: TestRun
  readonly now: number
  readonly onOpen: (id: string) => void
  readonly onCancel: (id: string) => void
}): React.JSX.Element {
  const active = run.status === 'queued' || run.status === 'running'
  const when = run.finishedAt ?? run.startedAt ?? run.queuedAt
  return (
    <li className="run-item" data-testid="run-item" data-status={run.status} data-kind={run.kind}>
      <div className="run-item-row">
        <TestStatus run={run} kind={run.kind} />
        <code className="sha" title={run.sha}>
          {shortSha(run.sha)}
        </code>
        <time className="muted" dateTime={when} title={formatAbsolute(when)}>
          {formatRelative(when, now)}
        </time>
        {run.durationMs !== null && <span className="muted">{formatDuration(run.durationMs)}</span>}
        <span className="spacer" />
        <button type="button" className="link-button" onClick={() => onOpen(run.id)}>
          Log
        </button>
        {active && (
          <button type="button" className="link-button" onClick={() => onCancel(run.id)}>
            Cancel
          </button>
        )}
      </div>
      {summaryBeyondStatus(run) && <div className="tests-note">{summaryBeyondStatus(run)}</div>}
      <RunFindings run={run} />
    </li>
  )
}

/**
 * The drawer's test section for one branch: its tip and merge-result runs with Re-run and
 * Cancel, then the recent history.
 */
export function RunHistory({
  state,
  now,
  onOpen,
  onCancel,
  onRerun
}: {
  readonly state: BranchTestState | null
  readonly now: number
  readonly onOpen: (id: string) => void
  readonly onCancel: (id: string) => void
  readonly onRerun: (kind: TestRun['kind']) => void
}): React.JSX.Element {
  const current = [state?.tip, state?.merge].filter((r): r is TestRun => Boolean(r))
  const older = (state?.history ?? []).filter((r) => !current.some((c) => c.id === r.id))
  return (
    <>
      <div className="run-item-row">
        <button type="button" onClick={() => onRerun('tip')}>
          Re-run tip
        </button>
        <button type="button" onClick={() => onRerun('merge')}>
          Test merge result
        </button>
      </div>
      {current.length === 0 && <p className="muted">Not tested yet.</p>}
      <ul className="run-list" aria-label="Current runs">
        {current.map((run) => (
          <RunItem key={run.id} run={run} now={now} onOpen={onOpen} onCancel={onCancel} />
        ))}
      </ul>
      {older.length > 0 && (
        <>
          <h4 className="muted">Earlier runs</h4>
          <ul className="run-list" aria-label="Earlier runs">
            {older.map((run) => (
              <RunItem key={run.id} run={run} now={now} onOpen={onOpen} onCancel={onCancel} />
            ))}
          </ul>
        </>
      )}
    </>
  )
}

/** The drawer's "Tests" section for `branch`, over the tests store. */
export function DrawerTests({
  branch,
  now
}: {
  readonly branch: string
  readonly now: number
}): React.JSX.Element {
  const { tests } = useStores()
  const ready = useTests((s) => s.availability.kind === 'ready')
  const state = useTests((s) => s.states[branch] ?? null)
  const error = useTests((s) => s.error)
  return (
    <section
      className="drawer-tests"
      data-testid="drawer-tests"
      aria-labelledby="drawer-tests-title"
    >
      <h3 id="drawer-tests-title">Tests</h3>
      {ready ? (
        <RunHistory
          state={state}
          now={now}
          onOpen={(id) => void tests.getState().openRun(id)}
          onCancel={(id) => void tests.getState().cancel(id)}
          onRerun={(kind) => void tests.getState().rerun(branch, kind)}
        />
      ) : (
        <TestsUnavailable />
      )}
      {error && (
        <p className="inline-error" role="alert">
          {error.message}
        </p>
      )}
    </section>
  )
}
