import { createStore, type StoreApi } from 'zustand'
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
import { describeError, type ApiClient } from '../api/client'
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

const FINAL_RUN = new Set<TestRun['status']>([
  'passed',
  'failed',
  'cancelled',
  'timed-out',
  'error'
])

/** Creates the pull-requests store over an API client (a fake one in tests). */
export function createPullsStore(client: ApiClient): StoreApi<PullsStore> {
  let generation = 0
  const requested = new Set<string>()
  return createStore<PullsStore>()((set, get) => {
    // One checks read at a time; a request during one reads once more after it.
    let checking = false
    let checkAgain = false
    const readChecks = async (): Promise<void> => {
      if (checking) {
        checkAgain = true
        return
      }
      checking = true
      const at = generation
      try {
        const checks = await client.call('pullRequests.checks', {})
        if (at === generation) set({ checks })
      } catch {
        // Cards show no checks then; the pull-request view says what failed.
      } finally {
        checking = false
        if (checkAgain) {
          checkAgain = false
          void readChecks()
        }
      }
    }
    const refreshView = async (): Promise<void> => {
      const branch = get().openBranch
      if (!branch) return
      const at = generation
      try {
        const view = await client.call('pullRequests.get', { branch })
        if (at === generation && get().openBranch === branch) set({ view })
      } catch (error) {
        if (at === generation && get().openBranch === branch) set({ error: describeError(error) })
      }
    }
    const act = async (pending: Exclude<PullsPending, null>, run: () => Promise<void>) => {
      set({ pending, error: null, notice: null })
      try {
        await run()
        set({ pending: null })
      } catch (error) {
        set({ pending: null, error: describeError(error) })
      }
    }
    const branchOf = (): string => {
      const b = get().openBranch
      if (!b) throw new Error('no pull request is open')
      return b
    }
    return {
      ...PULLS_DEFAULTS,

      async load() {
        const at = generation
        try {
          const pulls = await client.call('pullRequests.list', { state: 'all' })
          if (at === generation) set({ pulls })
          if (pulls.some((p) => p.state === 'open')) await readChecks()
          else if (at === generation) set({ checks: [] })
        } catch (error) {
          // The board works without pull requests (no team state yet): keep it quiet there.
          if (at === generation && get().openBranch) set({ error: describeError(error) })
        }
      },

      refreshChecks() {
        if (get().pulls.some((p) => p.state === 'open')) void readChecks()
      },

      runChanged(run) {
        const retest = get().retest
        if (retest && run.id === retest.id && !FINAL_RUN.has(retest.status)) {
          set({ retest: run })
          if (FINAL_RUN.has(run.status)) void refreshView()
        }
      },

      dismissMainMoved() {
        set({ mergeOutcome: null, retest: null })
      },

      async openView(branch) {
        requested.clear()
        set({
          openBranch: branch,
          view: null,
          files: null,
          selectedFile: null,
          diff: null,
          composing: null,
          mergeProgress: null,
          mergeOutcome: null,
          retest: null,
          notice: null,
          error: null
        })
        const at = generation
        await refreshView()
        try {
          const files = await client.call('pullRequests.files', { branch })
          if (at !== generation || get().openBranch !== branch) return
          set({ files })
          const first = files.files[0]
          if (first) await get().selectFile(first.path)
        } catch (error) {
          if (at === generation && get().openBranch === branch) set({ error: describeError(error) })
        }
      },

      closeView() {
        requested.clear()
        set({ openBranch: null, view: null, files: null, selectedFile: null, diff: null })
      },

      compose(branch) {
        set({ composing: branch, error: null })
      },
      cancelCompose() {
        set({ composing: null, error: null })
      },

      async openPull(branch, title, description) {
        let ok = false
        await act('open', async () => {
          const opened = await client.call('pullRequests.open', {
            branch,
            ...(title.trim() ? { title: title.trim() } : {}),
            ...(description.trim() ? { description } : {})
          })
          ok = true
          set({ composing: null })
          void get().load()
          await get().openView(opened.view.pullRequest.branch)
          const push = opened.push
          if (push.kind !== 'pushed' && push.kind !== 'no-origin') {
            set({ notice: `The branch was not pushed to origin: ${push.message ?? push.kind}` })
          }
        })
        return ok
      },

      async selectFile(path) {
        const branch = get().openBranch
        if (!branch) return
        requested.clear()
        set({ selectedFile: path, diff: null })
        const at = generation
        try {
          const first = await client.call('pullRequests.diff', {
            branch,
            path,
            offset: 0,
            limit: DIFF_WINDOW
          })
          if (at !== generation || get().selectedFile !== path) return
          requested.add(`${path}\0${0}`)
          set({
            diff: {
              path,
              totalLines: first.totalLines,
              binary: first.binary,
              windows: { 0: first.lines }
            }
          })
        } catch (error) {
          if (at === generation) set({ error: describeError(error) })
        }
      },

      loadDiffRow(row) {
        const { diff, openBranch } = get()
        if (!diff || !openBranch) return
        const index = Math.floor(row / DIFF_WINDOW)
        const key = `${diff.path}\0${index}`
        if (diff.windows[index] || requested.has(key)) return
        requested.add(key)
        const at = generation
        void client
          .call('pullRequests.diff', {
            branch: openBranch,
            path: diff.path,
            offset: index * DIFF_WINDOW,
            limit: DIFF_WINDOW
          })
          .then(
            (window) => {
              const now = get().diff
              if (at !== generation || !now || now.path !== diff.path) return
              set({ diff: { ...now, windows: { ...now.windows, [index]: window.lines } } })
            },
            (error: unknown) => {
              requested.delete(key)
              set({ error: describeError(error) })
            }
          )
      },

      review(verdict, body) {
        return act('review', async () => {
          const view = await client.call('pullRequests.review', {
            branch: branchOf(),
            verdict,
            body
          })
          set({ view })
        })
      },

      reviewAsReviewer(verdict) {
        return act('review-as', async () => {
          const view = await client.call('demo.review', { branch: branchOf(), verdict })
          set({ view })
          void get().load()
        })
      },

      async comment(body) {
        let ok = false
        await act('comment', async () => {
          const view = await client.call('pullRequests.comment', { branch: branchOf(), body })
          set({ view })
          ok = true
        })
        return ok
      },

      merge() {
        return act('merge', async () => {
          set({ mergeOutcome: null, mergeProgress: null, retest: null })
          try {
            const outcome = await client.call('pullRequests.merge', { branch: branchOf() })
            const retest = outcome.kind === 'main-moved' ? outcome.retest : null
            set({ mergeOutcome: outcome, mergeProgress: null, retest })
            // The retest may have ended before its events could reach this store.
            if (retest && !FINAL_RUN.has(retest.status)) {
              void client.call('tests.run', { id: retest.id }).then(
                (run) => get().runChanged(run),
                () => {}
              )
            }
          } finally {
            set({ mergeProgress: null })
            void refreshView()
            void get().load()
          }
        })
      },

      close() {
        return act('close', async () => {
          const view = await client.call('pullRequests.close', { branch: branchOf() })
          set({ view })
          void get().load()
        })
      },

      deleteBranch() {
        return act('delete', async () => {
          const result = await client.call('pullRequests.deleteBranch', { branch: branchOf() })
          const origin =
            result.origin.kind === 'pushed'
              ? ' and on origin'
              : result.origin.kind === 'no-origin'
                ? ''
                : ` (origin: ${result.origin.message ?? result.origin.kind})`
          set({ notice: `Branch deleted here${origin}.` })
          void refreshView()
        })
      },

      changed() {
        void get().load()
        void refreshView()
      },

      progress(branch, progress) {
        if (get().openBranch === branch && get().pending === 'merge')
          set({ mergeProgress: progress })
      },

      dismissError() {
        set({ error: null })
      },

      reset() {
        generation++
        requested.clear()
        set(PULLS_DEFAULTS)
      }
    }
  })
}
