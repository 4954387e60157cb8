import { createStore, type StoreApi } from 'zustand'
import type {
  BranchEnv,
  BranchEnvLeftover,
  EventMap,
  LogHit,
  LogQuery,
  LogSearchResult
} from '../../../shared'
import { describeError, type ApiClient } from '../api/client'
import { createLogWindow, type LogWindow } from './log-window'
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
  readonly log: LogWindow | null
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
  /** The open environment's log, as the tests store's (see log-window.ts). */
  loadEarlier(): Promise<void>
  loadLater(): Promise<void>
  jumpTo(hit: LogHit): Promise<void>
  followEnd(): Promise<void>
  searchLog(query: LogQuery): Promise<LogSearchResult>
  readWholeLog(): Promise<string>
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

    const logs = createLogWindow(
      {
        read: (id, offset, length) => client.call('branchEnvs.log', { id, offset, length }),
        search: (id, query) => client.call('branchEnvs.logSearch', { id, query })
      },
      () => get().log,
      (log) => set({ log }),
      ENV_LOG_WINDOW_BYTES
    )

    // The newest load, and what was pushed while it was in flight: the server read its answer
    // before some of these, so they go on top of it (an app that became healthy while the board
    // opened would otherwise show "starting" for good).
    let loadSeq = 0
    let sinceLoad: { envs: BranchEnv[]; leftovers: readonly BranchEnvLeftover[] | null } | null =
      null

    return {
      ...BRANCH_ENVS_DEFAULTS,

      async load(configured) {
        const seq = ++loadSeq
        sinceLoad = null
        if (!configured) {
          set({ availability: { unconfigured: 'slipway.yml has no branchEnvironments' } })
          return
        }
        const pushed: { envs: BranchEnv[]; leftovers: readonly BranchEnvLeftover[] | null } = {
          envs: [],
          leftovers: null
        }
        sinceLoad = pushed
        try {
          const [envs, leftovers] = await Promise.all([
            client.call('branchEnvs.list', {}),
            client.call('branchEnvs.leftovers', {})
          ])
          if (seq !== loadSeq) return
          sinceLoad = null
          const byId = Object.fromEntries(envs.map((e) => [e.id, e]))
          for (const env of pushed.envs) byId[env.id] = env
          set({ availability: 'ready', envs: byId, leftovers: pushed.leftovers ?? leftovers })
        } catch (err) {
          if (seq !== loadSeq) return
          sinceLoad = null
          const error = describeError(err)
          set({ availability: { unconfigured: error.message } })
        }
      },

      changed(env) {
        sinceLoad?.envs.push(env)
        set({ envs: { ...get().envs, [env.id]: env } })
        logs.sized(env.id, env.logBytes, false)
      },

      logChunk(chunk) {
        logs.chunk(chunk)
      },

      leftoversFound(leftovers) {
        if (sinceLoad) sinceLoad.leftovers = leftovers
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
        set({ openId: id })
        await logs.open(id)
      },

      close() {
        logs.close()
        set({ openId: null })
      },

      loadEarlier: () => logs.loadEarlier(),
      loadLater: () => logs.loadLater(),
      jumpTo: (hit) => logs.jumpTo(hit),
      followEnd: () => logs.followEnd(),
      searchLog: (query) => logs.search(query),
      readWholeLog: () => logs.readAll(),

      reset() {
        logs.close()
        set({ ...BRANCH_ENVS_DEFAULTS })
      }
    }
  })
}
