import { createStore, type StoreApi } from 'zustand'
import type { BranchEnv, BranchEnvLeftover, EventMap } from '../../../shared'
import { describeError, type ApiClient } from '../api/client'
import { appendText, linesOf, prependText } from '../lib/log-lines'
import type { RunLogState } from './tests-store'
import type { UiError } from './workspace-store'

/** Bytes of an environment's log read per window. */
export const ENV_LOG_WINDOW_BYTES = 256 * 1024

/** One live piece of an environment's log, as `branchEnvs.log` carries it. */
export type EnvLogChunk = EventMap['branchEnvs.log']

/** Branch environments of the open workspace ("Run locally"), the one open with its log. */
export interface BranchEnvsState {
  /** null until read; `unconfigured` carries why (no `branchEnvironments` in slipway.yml). */
  readonly availability: 'unknown' | 'ready' | { readonly unconfigured: string }
  /** Environment id → environment. */
  readonly envs: Readonly<Record<string, BranchEnv>>
  /** Processes a killed Slipway left running, offered for cleaning. */
  readonly leftovers: readonly BranchEnvLeftover[]
  /** The environment shown in the panel, and its log (`runId` holds the environment's id). */
  readonly openId: string | null
  readonly log: RunLogState | null
  /** The last action's failure, shown near its control. */
  readonly error: UiError | null
}

/** What the UI and the event subscriptions may do with branch environments. */
export interface BranchEnvsActions {
  /** Reads the environments and leftovers; with `configured` false asks nothing. */
  load(configured: boolean): Promise<void>
  changed(env: BranchEnv): void
  logChunk(chunk: EnvLogChunk): void
  leftoversFound(leftovers: readonly BranchEnvLeftover[]): void
  /** Starts a branch (or an environment's release) and opens its panel. */
  start(target: { branch: string } | { environment: string }): Promise<void>
  stop(id: string): Promise<void>
  restart(id: string): Promise<void>
  update(id: string): Promise<void>
  cleanLeftovers(): Promise<void>
  open(id: string): Promise<void>
  close(): void
  loadEarlier(): Promise<void>
  reset(): void
}

/** The branch-environments store's full shape. */
export type BranchEnvsStore = BranchEnvsState & BranchEnvsActions

/** Defaults: nothing read yet. */
export const BRANCH_ENVS_DEFAULTS: BranchEnvsState = {
  availability: 'unknown',
  envs: {},
  leftovers: [],
  openId: null,
  log: null,
  error: null
}

/** The environment of a branch that is not stopped, if any (for the board's marker). */
export function envOfBranch(
  envs: Readonly<Record<string, BranchEnv>>,
  branch: string
): BranchEnv | null {
  for (const env of Object.values(envs)) {
    if (env.target.kind === 'branch' && env.target.branch === branch) {
      if (env.state.kind !== 'stopped') return env
    }
  }
  return null
}

/** Creates the store over an API client (a fake one in tests). */
export function createBranchEnvsStore(client: ApiClient): StoreApi<BranchEnvsStore> {
  let logSeq = 0
  let early: EnvLogChunk[] = []
  return createStore<BranchEnvsStore>()((set, get) => {
    const act = async (task: () => Promise<BranchEnv | void>): Promise<void> => {
      set({ error: null })
      try {
        const env = await task()
        if (env) get().changed(env)
      } catch (err) {
        set({ error: describeError(err) })
      }
    }

    // Adds a chunk right after what is loaded; a gap is read from the stored log.
    const place = (chunk: EnvLogChunk): void => {
      const log = get().log
      if (!log || log.runId !== chunk.id) return
      const end = chunk.offset + chunk.bytes
      if (end <= log.endByte) return
      if (chunk.offset !== log.endByte) {
        void catchUp(chunk.id, end)
        return
      }
      const grown = appendText(log, chunk.chunk, chunk.bytes)
      set({ log: { ...log, ...grown, totalBytes: Math.max(log.totalBytes, end) } })
    }
    const catchUp = async (id: string, upTo: number): Promise<void> => {
      const seq = logSeq
      const log = get().log
      if (!log || log.loading) return
      set({ log: { ...log, loading: true } })
      try {
        const length = Math.min(ENV_LOG_WINDOW_BYTES * 4, Math.max(1, upTo - log.endByte))
        const rest = await client.call('branchEnvs.log', { id, offset: log.endByte, length })
        const now = get().log
        if (seq !== logSeq || !now) return
        const read = Math.max(0, Math.min(length, rest.totalBytes - log.endByte))
        const grown = appendText(now, rest.text, read)
        set({
          log: { ...now, ...grown, totalBytes: rest.totalBytes, loading: false }
        })
      } catch (err) {
        const now = get().log
        if (now) set({ log: { ...now, loading: false, error: describeError(err) } })
      }
    }

    return {
      ...BRANCH_ENVS_DEFAULTS,

      async load(configured) {
        if (!configured) {
          set({ availability: { unconfigured: 'slipway.yml has no branchEnvironments' } })
          return
        }
        try {
          const [envs, leftovers] = await Promise.all([
            client.call('branchEnvs.list', {}),
            client.call('branchEnvs.leftovers', {})
          ])
          set({
            availability: 'ready',
            envs: Object.fromEntries(envs.map((e) => [e.id, e])),
            leftovers
          })
        } catch (err) {
          const error = describeError(err)
          set({ availability: { unconfigured: error.message } })
        }
      },

      changed(env) {
        set({ envs: { ...get().envs, [env.id]: env } })
        const log = get().log
        if (log && log.runId === env.id && !log.loading && env.logBytes > log.endByte) {
          set({ log: { ...log, totalBytes: Math.max(log.totalBytes, env.logBytes) } })
        }
      },

      logChunk(chunk) {
        const log = get().log
        if (!log || log.runId !== chunk.id) return
        if (log.loading) early.push(chunk)
        else place(chunk)
      },

      leftoversFound(leftovers) {
        set({ leftovers })
      },

      async start(target) {
        set({ error: null })
        try {
          const env = await client.call('branchEnvs.start', target)
          get().changed(env)
          await get().open(env.id)
        } catch (err) {
          set({ error: describeError(err) })
        }
      },

      stop: (id) => act(() => client.call('branchEnvs.stop', { id })),
      restart: (id) => act(() => client.call('branchEnvs.restart', { id })),
      update: (id) => act(() => client.call('branchEnvs.update', { id })),

      async cleanLeftovers() {
        set({ error: null })
        try {
          await client.call('branchEnvs.cleanLeftovers', {})
          set({ leftovers: [] })
        } catch (err) {
          set({ error: describeError(err) })
        }
      },

      async open(id) {
        const seq = ++logSeq
        early = []
        const empty = { lines: [], startByte: 0, endByte: 0, totalBytes: 0 }
        set({ openId: id, log: { runId: id, ...empty, loading: true, error: null } })
        try {
          const probe = await client.call('branchEnvs.log', { id, offset: 0, length: 1 })
          const start = Math.max(0, probe.totalBytes - ENV_LOG_WINDOW_BYTES)
          const tail =
            probe.totalBytes === 0
              ? { text: '', totalBytes: 0 }
              : await client.call('branchEnvs.log', {
                  id,
                  offset: start,
                  length: ENV_LOG_WINDOW_BYTES
                })
          if (seq !== logSeq) return
          const end = Math.min(start + ENV_LOG_WINDOW_BYTES, tail.totalBytes)
          set({
            log: {
              runId: id,
              ...linesOf(tail.text, start, end),
              totalBytes: Math.max(tail.totalBytes, end),
              loading: false,
              error: null
            }
          })
          for (const chunk of early.splice(0)) place(chunk)
        } catch (err) {
          if (seq !== logSeq) return
          const log = get().log
          if (log) set({ log: { ...log, loading: false, error: describeError(err) } })
        }
      },

      close() {
        logSeq++
        early = []
        set({ openId: null, log: null })
      },

      async loadEarlier() {
        const log = get().log
        if (!log || log.loading || log.startByte === 0) return
        const seq = logSeq
        const offset = Math.max(0, log.startByte - ENV_LOG_WINDOW_BYTES)
        set({ log: { ...log, loading: true } })
        try {
          const window = await client.call('branchEnvs.log', {
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

      reset() {
        logSeq++
        early = []
        set({ ...BRANCH_ENVS_DEFAULTS })
      }
    }
  })
}
