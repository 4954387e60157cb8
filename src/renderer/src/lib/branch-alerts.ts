import type { BranchTestState, TestRun } from '../../../shared'

/** Shows a desktop notification; the default uses the Notification API when permitted. */
export type Notify = (title: string, body: string) => void

/** The browser's Notification API (Electron's renderer has the same), asking once. */
export const browserNotify: Notify = (title, body) => {
  if (typeof Notification === 'undefined') return
  if (Notification.permission === 'granted') {
    new Notification(title, { body })
  } else if (Notification.permission === 'default') {
    void Notification.requestPermission().then((p) => {
      if (p === 'granted') new Notification(title, { body })
    })
  }
}

/** A notification about one branch. */
export interface BranchAlert {
  readonly branch: string
  readonly kind: 'red' | 'conflict'
  readonly title: string
  readonly body: string
}

const done = (run: TestRun): boolean => run.status !== 'queued' && run.status !== 'running'

/**
 * What the board last knew of each branch's finished runs, to see a change: a tip that was
 * green turning red, a merge result with main that merged cleanly (or was never tried)
 * starting to conflict. Only branches `isMine` says are the user's are alerted about.
 */
export class BranchAlerts {
  private readonly tip = new Map<string, TestRun['status']>()
  private readonly conflicting = new Map<string, boolean>()

  constructor(private readonly isMine: (branch: string) => boolean = () => true) {}

  /** Records a branch's state as read (on load): what is already red or conflicting is known. */
  remember(state: BranchTestState): void {
    const tip = [state.tip, ...state.history].find((r) => r && r.kind === 'tip' && done(r))
    if (tip) this.tip.set(state.branch, tip.status)
    const merge = [state.merge, ...state.history].find((r) => r && r.kind === 'merge' && done(r))
    if (merge) this.conflicting.set(state.branch, merge.conflicts.length > 0)
  }

  /** Records a run that changed; answers the alert it calls for, or null. */
  changed(run: TestRun): BranchAlert | null {
    if (!done(run)) return null
    if (run.kind === 'tip') {
      const before = this.tip.get(run.branch)
      this.tip.set(run.branch, run.status)
      if (before !== 'passed' || run.status !== 'failed' || !this.isMine(run.branch)) return null
      return {
        branch: run.branch,
        kind: 'red',
        title: `${run.branch} went red`,
        body: run.summary || `Tests failed at ${run.sha.slice(0, 8)}`
      }
    }
    const conflicts = run.conflicts.length > 0
    const before = this.conflicting.get(run.branch) ?? false
    this.conflicting.set(run.branch, conflicts)
    if (!conflicts || before || !this.isMine(run.branch)) return null
    return {
      branch: run.branch,
      kind: 'conflict',
      title: `${run.branch} now conflicts with main`,
      body: `Merging it into main conflicts in ${run.conflicts.slice(0, 3).join(', ')}${
        run.conflicts.length > 3 ? ` and ${run.conflicts.length - 3} more` : ''
      }`
    }
  }

  /** Forgets everything (another workspace). */
  clear(): void {
    this.tip.clear()
    this.conflicting.clear()
  }
}
