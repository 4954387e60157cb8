import { createStore, type StoreApi } from 'zustand'
import type { SyncStatusModel } from '../../../shared/contract-team'
import { describeError, type ApiClient } from '../api/client'
import type { UiError } from './workspace-store'

/** The team sync as the header shows it: when origin was last reached, and the last outcome. */
export interface TeamState {
  readonly status: SyncStatusModel | null
  readonly syncing: boolean
  readonly error: UiError | null
}

/** What the header and the event subscriptions may do with the team sync. */
export interface TeamActions {
  load(): Promise<void>
  /** Syncs with origin now (the Sync button). */
  sync(): Promise<void>
  /** A `team.synced` event. */
  synced(status: SyncStatusModel): void
  reset(): void
}

/** The team store's full shape. */
export type TeamStore = TeamState & TeamActions

/** Defaults: nothing read yet. */
export const TEAM_DEFAULTS: TeamState = { status: null, syncing: false, error: null }

/** Creates the team store over an API client (a fake one in tests). */
export function createTeamStore(client: ApiClient): StoreApi<TeamStore> {
  let generation = 0
  return createStore<TeamStore>()((set, get) => ({
    ...TEAM_DEFAULTS,

    async load() {
      const at = generation
      try {
        const status = await client.call('team.status', {})
        // A sync event that came while the answer travelled may be newer than it.
        if (at === generation) set({ status: newest(get().status, status), error: null })
      } catch (error) {
        if (at === generation) set({ error: describeError(error) })
      }
    },

    async sync() {
      if (get().syncing) return
      const at = generation
      set({ syncing: true, error: null })
      try {
        const status = await client.call('team.sync', {})
        if (at === generation) set({ status, syncing: false })
      } catch (error) {
        if (at === generation) set({ syncing: false, error: describeError(error) })
      }
    },

    synced(status) {
      set({ status })
    },

    reset() {
      generation++
      set(TEAM_DEFAULTS)
    }
  }))
}

/** The later of two statuses, by their last attempt (an event may overtake a read's answer). */
function newest(known: SyncStatusModel | null, read: SyncStatusModel): SyncStatusModel {
  return known && (known.lastAttemptAt ?? '') > (read.lastAttemptAt ?? '') ? known : read
}
