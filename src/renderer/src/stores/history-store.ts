import { createStore, type StoreApi } from 'zustand'
import type { DeploymentHistory } from '../../../shared'
import { describeError, type ApiClient } from '../api/client'
import type { UiError } from './workspace-store'

/** One environment's history as this window last read it from the hosts. */
export interface HistoryReading {
  readonly history: DeploymentHistory | null
  /** When it was read (ms), for "read 2 minutes ago". */
  readonly readAt: number | null
  readonly loading: boolean
  readonly error: UiError | null
}

/** Environments' deployment histories (read from their hosts' logs). */
export interface HistoryState {
  readonly histories: Readonly<Record<string, HistoryReading>>
}

/** What the lanes, the history dialog and the event subscriptions may do. */
export interface HistoryActions {
  /** Reads an environment's history from its hosts again. */
  load(environment: string): Promise<void>
  /** Re-reads only the histories already read (after a deployment ended, on reconnect). */
  reloadKnown(environment?: string): void
  reset(): void
}

/** The history store's full shape. */
export type HistoryStore = HistoryState & HistoryActions

/** Defaults: nothing read yet. */
export const HISTORY_DEFAULTS: HistoryState = { histories: {} }

const EMPTY: HistoryReading = { history: null, readAt: null, loading: false, error: null }

/** Creates the history store over an API client (a fake one in tests). */
export function createHistoryStore(client: ApiClient): StoreApi<HistoryStore> {
  // Bumped by reset(), so answers for a closed workspace are dropped.
  let generation = 0
  return createStore<HistoryStore>()((set, get) => {
    const patch = (environment: string, p: Partial<HistoryReading>): void =>
      set((s) => ({
        histories: {
          ...s.histories,
          [environment]: { ...(s.histories[environment] ?? EMPTY), ...p }
        }
      }))
    return {
      ...HISTORY_DEFAULTS,

      async load(environment) {
        const gen = generation
        patch(environment, { loading: true })
        try {
          const history = await client.call('deployments.history', { environment })
          if (gen === generation) {
            patch(environment, { history, readAt: Date.now(), loading: false, error: null })
          }
        } catch (error) {
          if (gen === generation)
            patch(environment, { loading: false, error: describeError(error) })
        }
      },

      reloadKnown(environment) {
        for (const name of Object.keys(get().histories)) {
          if (environment === undefined || name === environment) void get().load(name)
        }
      },

      reset() {
        generation++
        set(HISTORY_DEFAULTS)
      }
    }
  })
}
