import type { BranchTestState, TestRun } from '../../../shared'

const HISTORY_LIMIT = 10

/** True when a run has ended (whatever the outcome). */
export function isDone(run: TestRun): boolean {
  return run.status !== 'queued' && run.status !== 'running'
}

/** `state` with `run` applied: as its tip or merge result (when at its sha) and in its history. */
export function withRun(state: BranchTestState, run: TestRun, ownBranch = true): BranchTestState {
  const atTip = run.sha === state.sha
  // A newer commit on the branch: its first run moves the branch's tip forward.
  const moves = ownBranch && !atTip && run.kind === 'tip' && newer(run, state.tip)
  const sha = moves ? run.sha : state.sha
  const history = ownBranch
    ? [run, ...state.history.filter((r) => r.id !== run.id)]
        .sort((a, b) => b.queuedAt.localeCompare(a.queuedAt))
        .slice(0, HISTORY_LIMIT)
    : state.history.map((r) => (r.id === run.id ? run : r))
  let { tip, merge } = state
  if (
    run.kind === 'tip' &&
    (atTip || moves) &&
    (tip === null || tip.id === run.id || newer(run, tip))
  )
    tip = run
  if (moves) merge = merge && merge.sha === sha ? merge : null
  if (
    run.kind === 'merge' &&
    (atTip || moves) &&
    (merge === null || merge.id === run.id || newer(run, merge))
  )
    merge = run
  return { ...state, sha, tip, merge, history }
}

function newer(run: TestRun, than: TestRun | null): boolean {
  return than === null || run.queuedAt >= than.queuedAt
}
