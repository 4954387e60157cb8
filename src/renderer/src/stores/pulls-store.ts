import { createStore, type StoreApi } from 'zustand'
import type { TestRun } from '../../../shared/test-models'
import { describeError, type ApiClient } from '../api/client'
import { DIFF_WINDOW, PULLS_DEFAULTS, type PullsPending, type PullsStore } from './pulls-model'

export * from './pulls-model'

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
