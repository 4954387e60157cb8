import { createStore, type StoreApi } from 'zustand'
import type {
  BranchTestState,
  EventMap,
  LogHit,
  LogQuery,
  LogSearchResult,
  TestQueue,
  TestRun
} from '../../../shared'
import { describeError, type ApiClient } from '../api/client'
import { BranchAlerts, browserNotify, type Notify } from '../lib/branch-alerts'
import { createLogWindow, type LogWindow } from './log-window'
import type { UiError } from './workspace-store'
import { isDone, withRun } from './run-merge'

/** Whether the open workspace can run tests at all. */
export type TestsAvailability =
  | { readonly kind: 'unknown' }
  | { readonly kind: 'ready' }
  /** slipway.yml has no `test.command` (the board says so with a hint). */
  | { readonly kind: 'unconfigured'; readonly message: string }
  /** The workspace's commands are not trusted yet: nothing runs (see the trust store). */
  | { readonly kind: 'untrusted'; readonly message: string }
  | { readonly kind: 'failed'; readonly error: UiError }

/** The log of the run open in the Run view. */
export type RunLogState = LogWindow

/** Test states per branch, the queue, the Run view and the Queue panel. */
export interface TestsState {
  readonly availability: TestsAvailability
  /** Branch name → its tip / merge state and recent runs. */
  readonly states: Readonly<Record<string, BranchTestState>>
  readonly queue: TestQueue | null
  /** Runs seen by id (from states, the queue and events), for the Run view. */
  readonly runs: Readonly<Record<string, TestRun>>
  readonly openRunId: string | null
  readonly log: RunLogState | null
  readonly queueOpen: boolean
  /** The last action's failure (re-run, cancel, pause), shown near the control. */
  readonly error: UiError | null
}

/** What the UI and the event subscriptions may do with tests. */
export interface TestsActions {
  /**
   * Reads branch states and the queue (on open, after a reconnect). With `testCommand` null
   * (the workspace's slipway.yml has none) it asks nothing: the backend could only refuse.
   */
  load(testCommand?: string | null): Promise<void>
  /** A run changed (pushed event). */
  runChanged(run: TestRun): void
  /** Live log output arrived (pushed event): bytes `[offset, offset + bytes)` of a run's log. */
  logChunk(chunk: LogChunk): void
  queueChanged(queue: TestQueue): void
  rerun(branch: string, kind: TestRun['kind']): Promise<void>
  cancel(runId: string): Promise<void>
  cancelAll(): Promise<void>
  setPaused(paused: boolean): Promise<void>
  /** Tells the backend which branch the user looks at (it is tested first after main). */
  focus(branch: string | null): void
  openRun(runId: string): Promise<void>
  closeRun(): void
  /** Reads the window of the log before what is loaded (the viewer scrolled to the top). */
  loadEarlier(): Promise<void>
  /** Reads the window after what is loaded (a window the user jumped to, scrolled down). */
  loadLater(): Promise<void>
  /** Shows the line of a search hit, reading a window there when it is not loaded. */
  jumpTo(hit: LogHit): Promise<void>
  /** Back to the live end of the log. */
  followEnd(): Promise<void>
  /** Searches the open run's whole stored log. */
  searchLog(query: LogQuery): Promise<LogSearchResult>
  /** The open run's whole log, for Copy and Download. */
  readWholeLog(): Promise<string>
  toggleQueue(open?: boolean): void
  reset(): void
}

/** One live piece of a run's log, as the `tests.log` event carries it. */
export type LogChunk = EventMap['tests.log']

/** The tests store's full shape. */
export type TestsStore = TestsState & TestsActions

/** Defaults: nothing read yet. */
export const TESTS_DEFAULTS: TestsState = {
  availability: { kind: 'unknown' },
  states: {},
  queue: null,
  runs: {},
  openRunId: null,
  log: null,
  queueOpen: false,
  error: null
}

/** Bytes of log read per window (the contract allows up to 1 MiB). */
export const LOG_WINDOW_BYTES = 256 * 1024
/** Recent runs kept per branch. */

export { browserNotify, type Notify } from '../lib/branch-alerts'

/** Creates the tests store over an API client (a fake one in tests). */
export function createTestsStore(
  client: ApiClient,
  notify: Notify = browserNotify,
  isMine?: (branch: string) => boolean
): StoreApi<TestsStore> {
  // Green → red and clean → conflicting, notified for the user's own branches.
  const alerts = new BranchAlerts(isMine)
  let loadSeq = 0
  // What the event stream pushed while the newest load was in flight. The server read its
  // answer before some of these, so they go on top of it: a run that ended while the board
  // was opening would otherwise show "running" for good (no later event comes for it).
  let sinceLoad: { runs: TestRun[]; queue: TestQueue | null } | null = null

  return createStore<TestsStore>()((set, get) => {
    const fail = (err: unknown): void => set({ error: describeError(err) })
    const logs = createLogWindow(
      {
        read: (id, offset, length) => client.call('tests.log', { id, offset, length }),
        search: (id, query) => client.call('tests.logSearch', { id, query })
      },
      () => get().log,
      (log) => set({ log }),
      LOG_WINDOW_BYTES
    )

    return {
      ...TESTS_DEFAULTS,

      async load(testCommand) {
        const seq = ++loadSeq
        const pushed: { runs: TestRun[]; queue: TestQueue | null } = { runs: [], queue: null }
        sinceLoad = testCommand === null ? null : pushed
        if (testCommand === null) {
          set({
            availability: { kind: 'unconfigured', message: 'slipway.yml has no test.command' },
            states: {},
            queue: null
          })
          return
        }
        try {
          const [states, queue] = await Promise.all([
            client.call('tests.branchStates', {}),
            client.call('tests.queue', {})
          ])
          if (seq !== loadSeq) return
          sinceLoad = null
          let byBranch: Record<string, BranchTestState> = {}
          const runs: Record<string, TestRun> = { ...get().runs }
          for (const state of states) {
            byBranch[state.branch] = state
            for (const run of state.history) runs[run.id] = run
            if (state.tip) runs[state.tip.id] = state.tip
            if (state.merge) runs[state.merge.id] = state.merge
          }
          const latestQueue = pushed.queue ?? queue
          for (const run of [...latestQueue.running, ...latestQueue.queued]) {
            if (!isAhead(runs[run.id], run)) runs[run.id] = run
          }
          for (const run of pushed.runs) {
            if (isAhead(runs[run.id], run)) continue
            byBranch = withRunEverywhere(byBranch, run)
            runs[run.id] = run
          }
          for (const state of Object.values(byBranch)) alerts.remember(state)
          set({ availability: { kind: 'ready' }, states: byBranch, queue: latestQueue, runs })
        } catch (err) {
          if (seq !== loadSeq) return
          sinceLoad = null
          const error = describeError(err)
          set({
            availability:
              error.code === 'bad-config'
                ? { kind: 'unconfigured', message: error.message }
                : error.code === 'untrusted'
                  ? { kind: 'untrusted', message: error.message }
                  : { kind: 'failed', error },
            states: {},
            queue: null
          })
        }
      },

      runChanged(run) {
        sinceLoad?.runs.push(run)
        const { states, runs } = get()
        const next = withRunEverywhere(states, run)
        set({ states: next, runs: { ...runs, [run.id]: run }, availability: { kind: 'ready' } })
        const alert = alerts.changed(run)
        if (alert) notify(alert.title, alert.body)
        // The run ended: make sure the viewer holds the whole stored log.
        logs.sized(run.id, run.logBytes, isDone(run))
      },

      logChunk({ runId, ...rest }) {
        logs.chunk({ id: runId, ...rest })
      },

      queueChanged(queue) {
        if (sinceLoad) sinceLoad.queue = queue
        const runs = { ...get().runs }
        for (const run of [...queue.running, ...queue.queued]) runs[run.id] = run
        set({ queue, runs })
      },

      async rerun(branch, kind) {
        set({ error: null })
        try {
          const run = await client.call('tests.request', { branch, kind, force: true })
          get().runChanged(run)
        } catch (err) {
          fail(err)
        }
      },

      async cancel(runId) {
        set({ error: null })
        try {
          await client.call('tests.cancel', { id: runId })
        } catch (err) {
          fail(err)
        }
      },

      async cancelAll() {
        set({ error: null })
        try {
          await client.call('tests.cancelAll', {})
        } catch (err) {
          fail(err)
        }
      },

      async setPaused(paused) {
        set({ error: null })
        try {
          get().queueChanged(await client.call('tests.setPaused', { paused }))
        } catch (err) {
          fail(err)
        }
      },

      focus(branch) {
        if (get().availability.kind !== 'ready') return
        // Only an ordering hint: a failure changes nothing the user sees.
        client.call('tests.focus', { branch }).catch(() => undefined)
      },

      async openRun(runId) {
        set({ openRunId: runId })
        const known = get().runs[runId]
        // The log's read says why when the run cannot be read (a run id that no longer exists).
        const [run] = await Promise.all([
          known ? null : client.call('tests.run', { id: runId }).catch(() => null),
          logs.open(runId)
        ])
        if (run && get().openRunId === runId && !get().runs[run.id]) {
          set({ runs: { ...get().runs, [run.id]: run } })
        }
      },

      closeRun() {
        logs.close()
        set({ openRunId: null })
      },

      loadEarlier: () => logs.loadEarlier(),
      loadLater: () => logs.loadLater(),
      jumpTo: (hit) => logs.jumpTo(hit),
      followEnd: () => logs.followEnd(),
      searchLog: (query) => logs.search(query),
      readWholeLog: () => logs.readAll(),

      toggleQueue(open) {
        set({ queueOpen: open ?? !get().queueOpen })
      },

      reset() {
        loadSeq++
        logs.close()
        alerts.clear()
        set({ ...TESTS_DEFAULTS })
      }
    }
  })
}

/** `states` with `run` applied to its branch, and to every other branch at the same sha. */
function withRunEverywhere(
  states: Readonly<Record<string, BranchTestState>>,
  run: TestRun
): Record<string, BranchTestState> {
  const next: Record<string, BranchTestState> = { ...states }
  const own = states[run.branch]
  next[run.branch] = withRun(
    own ?? { branch: run.branch, sha: run.sha, tip: null, merge: null, history: [] },
    run
  )
  // Results are keyed by sha: another branch at the same tip shows the same result.
  for (const [name, state] of Object.entries(states)) {
    if (name !== run.branch && state.sha === run.sha) next[name] = withRun(state, run, false)
  }
  return next
}

const STAGE: Readonly<Record<string, number>> = { queued: 0, running: 1 }

/** True when `known` is further along than `run` (a run only goes queued → running → ended). */
function isAhead(known: TestRun | undefined, run: TestRun): boolean {
  return known !== undefined && (STAGE[known.status] ?? 2) > (STAGE[run.status] ?? 2)
}
