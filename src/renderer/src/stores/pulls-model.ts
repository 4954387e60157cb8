import type { z } from 'zod'
import type { MergeProgressSchema } from '../../../shared/contract-pull-requests'
import type { TestRun } from '../../../shared/test-models'
import type {
  ChangedFiles,
  MergeOutcome,
  PullChecks,
  PullRequest,
  PullRequestView,
  ReviewVerdict
} from '../../../shared/pull-request-models'
import type { UiError } from './workspace-store'

/** How a merge is going, as `pullRequests.mergeProgress` events carry it. */
export type MergeProgressModel = z.output<typeof MergeProgressSchema>

/** Which pull-request request is in flight. */
export type PullsPending =
  'open' | 'review' | 'review-as' | 'comment' | 'merge' | 'close' | 'delete' | null

/** How many diff rows one request reads. */
export const DIFF_WINDOW = 500

/** Rows of one file's diff read so far, by window. */
export interface DiffRows {
  readonly path: string
  readonly totalLines: number
  readonly binary: boolean
  /** Window index → its rows. */
  readonly windows: Readonly<Record<number, readonly DiffRow[]>>
}

/** One diff row as the view draws it. */
export interface DiffRow {
  readonly kind: 'hunk' | 'context' | 'add' | 'del' | 'note'
  readonly oldLine: number | null
  readonly newLine: number | null
  readonly text: string
}

/** Pull requests: the list (for branch cards), the one open in the view, and actions on it. */
export interface PullsState {
  /** Every pull request, newest first. */
  readonly pulls: readonly PullRequest[]
  /** The checks of every open pull request (for branch cards). */
  readonly checks: readonly PullChecks[]
  /** The branch whose pull request the view shows. */
  readonly openBranch: string | null
  readonly view: PullRequestView | null
  readonly files: ChangedFiles | null
  readonly selectedFile: string | null
  readonly diff: DiffRows | null
  /** The branch the "open a pull request" form is for. */
  readonly composing: string | null
  readonly mergeProgress: MergeProgressModel | null
  /** What the last merge did (merged, or main moved on origin). */
  readonly mergeOutcome: MergeOutcome | null
  /** After main moved: the merge result's retest as it goes (the user is asked again after it). */
  readonly retest: TestRun | null
  readonly pending: PullsPending
  readonly notice: string | null
  readonly error: UiError | null
}

/** What the UI and the event subscriptions may do with pull requests. */
export interface PullsActions {
  load(): Promise<void>
  /** Re-reads the open pull requests' checks (a test run ended, main moved). */
  refreshChecks(): void
  /** A `tests.runChanged` event: the retest after main moved may have ended. */
  runChanged(run: TestRun): void
  /** Leaves the merge where it is after main moved (the user said not now). */
  dismissMainMoved(): void
  /** Opens the pull-request view on `branch`. */
  openView(branch: string): Promise<void>
  closeView(): void
  /** Shows the form that opens a pull request for `branch`. */
  compose(branch: string): void
  cancelCompose(): void
  /** Opens the pull request and shows it; false when it failed. */
  openPull(branch: string, title: string, description: string): Promise<boolean>
  selectFile(path: string): Promise<void>
  /** Reads the window of the selected file's diff holding row `row` (once). */
  loadDiffRow(row: number): void
  review(verdict: ReviewVerdict, body: string): Promise<void>
  /** The demo's second person reviews, from their own clone (demo workspace only). */
  reviewAsReviewer(verdict: ReviewVerdict): Promise<void>
  comment(body: string): Promise<boolean>
  merge(): Promise<void>
  close(): Promise<void>
  deleteBranch(): Promise<void>
  /** A `pullRequests.changed` event. */
  changed(): void
  /** A `pullRequests.mergeProgress` event. */
  progress(branch: string, progress: MergeProgressModel): void
  dismissError(): void
  reset(): void
}

/** The pull-requests store's full shape. */
export type PullsStore = PullsState & PullsActions

/** Defaults: nothing read yet. */
export const PULLS_DEFAULTS: PullsState = {
  pulls: [],
  checks: [],
  openBranch: null,
  view: null,
  files: null,
  selectedFile: null,
  diff: null,
  composing: null,
  mergeProgress: null,
  mergeOutcome: null,
  retest: null,
  pending: null,
  notice: null,
  error: null
}

/** The pull request of `branch` that the board shows: an open one, else the newest. */
export function pullOf(pulls: readonly PullRequest[], branch: string): PullRequest | null {
  const mine = pulls.filter((p) => p.branch === branch || `origin/${p.branch}` === branch)
  return mine.find((p) => p.state === 'open') ?? mine[0] ?? null
}

/** The checks of the open pull request of `branch` (or of its origin twin), or null. */
export function checksOf(checks: readonly PullChecks[], branch: string): PullChecks | null {
  return checks.find((c) => c.branch === branch || `origin/${c.branch}` === branch) ?? null
}
