import { createStore, type StoreApi } from 'zustand'
import type { BranchTestState, EventMap, TestQueue, TestRun } from '../../../shared'
import { describeError, type ApiClient } from '../api/client'
import { BranchAlerts, browserNotify, type Notify } from '../lib/branch-alerts'
import { appendText, linesOf, prependText, type LogLines } from '../lib/log-lines'
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
export interface RunLogState extends LogLines {
  readonly runId: string
  readonly totalBytes: number
  readonly loading: boolean
  readonly error: UiError | null
}

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
  let logSeq = 0
  // Chunks of the open run that arrived while its stored log was being read.
  let early: LogChunk[] = []

  return createStore<TestsStore>()((set, get) => {
    const fail = (err: unknown): void => set({ error: describeError(err) })

    return {
      ...TESTS_DEFAULTS,

      async load(testCommand) {
        const seq = ++loadSeq
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
          const byBranch: Record<string, BranchTestState> = {}
          const runs: Record<string, TestRun> = { ...get().runs }
          for (const state of states) {
            byBranch[state.branch] = state
            for (const run of state.history) runs[run.id] = run
            if (state.tip) runs[state.tip.id] = state.tip
            if (state.merge) runs[state.merge.id] = state.merge
            alerts.remember(state)
          }
          for (const run of [...queue.running, ...queue.queued]) runs[run.id] = run
          set({ availability: { kind: 'ready' }, states: byBranch, queue, runs })
        } catch (err) {
          if (seq !== loadSeq) return
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
        const { states, runs, log } = get()
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
        set({
          states: next,
          runs: { ...runs, [run.id]: run },
          availability: { kind: 'ready' },
          // The run ended: make sure the viewer holds the whole stored log.
          log: log && log.runId === run.id ? { ...log, totalBytes: run.logBytes } : log
        })
        const alert = alerts.changed(run)
        if (alert) notify(alert.title, alert.body)
        if (log && log.runId === run.id && isDone(run) && log.endByte < run.logBytes) {
          void catchUp(run.id)
        }
      },

      logChunk(chunk) {
        const log = get().log
        if (!log || log.runId !== chunk.runId) return
        // While the stored log is read, chunks wait: the read decides which bytes they add.
        if (log.loading) early.push(chunk)
        else placeChunk(chunk)
      },

      queueChanged(queue) {
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
        const seq = ++logSeq
        early = []
        set({
          openRunId: runId,
          log: {
            runId,
            lines: [],
            startByte: 0,
            endByte: 0,
            totalBytes: 0,
            loading: true,
            error: null
          }
        })
        try {
          const run = get().runs[runId] ?? (await client.call('tests.run', { id: runId }))
          if (seq !== logSeq) return
          const probe = await client.call('tests.log', { id: runId, offset: 0, length: 1 })
          const start = Math.max(0, probe.totalBytes - LOG_WINDOW_BYTES)
          const tail =
            probe.totalBytes === 0
              ? { text: '', totalBytes: 0 }
              : await client.call('tests.log', {
                  id: runId,
                  offset: start,
                  length: LOG_WINDOW_BYTES
                })
          if (seq !== logSeq) return
          // Byte offsets from the request, not from the decoded text: a window may cut a
          // multi-byte character, which decodes to a replacement of another size.
          const end = Math.min(start + LOG_WINDOW_BYTES, tail.totalBytes)
          set({
            runs: { ...get().runs, [run.id]: get().runs[run.id] ?? run },
            log: {
              runId,
              ...linesOf(tail.text, start, end),
              totalBytes: Math.max(tail.totalBytes, end),
              loading: false,
              error: null
            }
          })
          for (const chunk of early.splice(0)) placeChunk(chunk)
        } catch (err) {
          if (seq !== logSeq) return
          const log = get().log
          if (log) set({ log: { ...log, loading: false, error: describeError(err) } })
        }
      },

      closeRun() {
        logSeq++
        early = []
        set({ openRunId: null, log: null })
      },

      async loadEarlier() {
        const log = get().log
        if (!log || log.loading || log.startByte === 0) return
        const seq = logSeq
        const offset = Math.max(0, log.startByte - LOG_WINDOW_BYTES)
        set({ log: { ...log, loading: true } })
        try {
          const window = await client.call('tests.log', {
            id: log.runId,
            offset,
            length: log.startByte - offset
          })
          const now = get().log
          if (seq !== logSeq || !now) return
          set({ log: { ...now, ...prependText(now, window.text, offset), loading: false } })
        } catch (err) {
          const now = get().log
          if (now) set({ log: { ...now, loading: false, error: describeError(err) } })
        }
      },

      toggleQueue(open) {
        set({ queueOpen: open ?? !get().queueOpen })
      },

      reset() {
        loadSeq++
        logSeq++
        alerts.clear()
        set({ ...TESTS_DEFAULTS })
      }
    }

    // Adds the part of a chunk after what is loaded; a gap (chunks lost while the event stream
    // was down) is read from the stored log instead.
    function placeChunk(chunk: LogChunk): void {
      const log = get().log
      if (!log || log.runId !== chunk.runId) return
      const end = chunk.offset + chunk.bytes
      if (end <= log.endByte) return
      const totalBytes = Math.max(log.totalBytes, end)
      const overlap = log.endByte - chunk.offset
      const encoded = overlap > 0 ? new TextEncoder().encode(chunk.chunk) : null
      if (overlap < 0 || (encoded && encoded.length !== chunk.bytes)) {
        set({ log: { ...log, totalBytes } })
        void catchUp(chunk.runId)
        return
      }
      const text = encoded ? new TextDecoder().decode(encoded.subarray(overlap)) : chunk.chunk
      const grown = appendText(log, text, chunk.bytes - Math.max(0, overlap))
      set({ log: { ...log, ...grown, totalBytes: Math.max(totalBytes, grown.endByte) } })
    }

    // Reads what the viewer missed (chunks lost while the event stream was down).
    async function catchUp(runId: string): Promise<void> {
      const seq = logSeq
      const log = get().log
      if (!log || log.runId !== runId) return
      try {
        const length = Math.min(LOG_WINDOW_BYTES * 4, Math.max(1, log.totalBytes - log.endByte))
        const rest = await client.call('tests.log', { id: runId, offset: log.endByte, length })
        const now = get().log
        if (seq !== logSeq || !now || now.endByte !== log.endByte) return
        const read = Math.max(0, Math.min(length, rest.totalBytes - log.endByte))
        const grown = appendText(now, rest.text, read)
        set({ log: { ...now, ...grown, totalBytes: Math.max(rest.totalBytes, grown.endByte) } })
      } catch {
        // The log stays as it is; reopening the run reads it again.
      }
    }
  })
}
