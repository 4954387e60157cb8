import { createStore, type StoreApi } from 'zustand'
import type { DeploymentHistory } from '../../../shared'
import type { LedgerRecord } from '../../../shared/ledger-models'
import { describeError, type ApiClient } from '../api/client'
import type { UiError } from './workspace-store'

/** One environment's history as this window last read it from the hosts. */
export interface HistoryReading {
  readonly history: DeploymentHistory | null
  /** When it was read (ms), for "read 2 minutes ago". */
  readonly readAt: number | null
  readonly loading: boolean
  readonly error: UiError | null
  /** The ledger's deployments and rollbacks of the environment, newest first; null until read. */
  readonly ledger: readonly LedgerRecord[] | null
  /** False when the ledger answer hit its limit (older entries were not read). */
  readonly ledgerComplete: boolean
  /** Why the ledger could not be read (the hosts' logs are shown alone then). */
  readonly ledgerError: UiError | null
}

/** How many deployments the history asks the hosts for. */
export const HISTORY_LIMIT = 100
/** How many ledger entries (a deployment has two or three) the history reads at most. */
export const HISTORY_LEDGER_LIMIT = 10_000

/** Environments' deployment histories (read from their hosts' logs). */
export interface HistoryState {
  readonly histories: Readonly<Record<string, HistoryReading>>
}

/** What the lanes, the history dialog and the event subscriptions may do. */
export interface HistoryActions {
  /** Reads an environment's history from its hosts (and its ledger entries) again. */
  load(environment: string): Promise<void>
  /** Re-reads only the ledger side of the histories already read (a `ledger.changed`). */
  ledgerChanged(): void
  /** Re-reads only the histories already read (after a deployment ended, on reconnect). */
  reloadKnown(environment?: string): void
  reset(): void
}

/** The history store's full shape. */
export type HistoryStore = HistoryState & HistoryActions

/** Defaults: nothing read yet. */
export const HISTORY_DEFAULTS: HistoryState = { histories: {} }

const EMPTY: HistoryReading = {
  history: null,
  readAt: null,
  loading: false,
  error: null,
  ledger: null,
  ledgerComplete: true,
  ledgerError: null
}

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
    // The ledger side never fails the hosts' side: its error is kept beside it.
    const loadLedger = async (environment: string): Promise<void> => {
      const gen = generation
      try {
        const ledger = await client.call('ledger.list', {
          environment,
          kind: ['deployment', 'rollback'],
          limit: HISTORY_LEDGER_LIMIT
        })
        if (gen === generation) {
          patch(environment, {
            ledger,
            ledgerComplete: ledger.length < HISTORY_LEDGER_LIMIT,
            ledgerError: null
          })
        }
      } catch (error) {
        if (gen === generation)
          patch(environment, { ledger: null, ledgerError: describeError(error) })
      }
    }
    return {
      ...HISTORY_DEFAULTS,

      async load(environment) {
        const gen = generation
        patch(environment, { loading: true })
        const ledger = loadLedger(environment)
        try {
          const history = await client.call('deployments.history', {
            environment,
            limit: HISTORY_LIMIT
          })
          await ledger
          if (gen === generation) {
            patch(environment, { history, readAt: Date.now(), loading: false, error: null })
          }
        } catch (error) {
          if (gen === generation)
            patch(environment, { loading: false, error: describeError(error) })
        }
      },

      ledgerChanged() {
        for (const name of Object.keys(get().histories)) void loadLedger(name)
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
