import { createStore, type StoreApi } from 'zustand'
import type { TrustStatus } from '../../../shared'
import { describeError, type ApiClient } from '../api/client'
import type { UiError } from './workspace-store'

/** The open workspace's trust: its commands, whether they may run, and the trust dialog. */
export interface TrustState {
  readonly status: TrustStatus | null
  readonly dialogOpen: boolean
  readonly granting: boolean
  readonly error: UiError | null
}

/** What the UI and the subscriptions may do with trust. */
export interface TrustActions {
  /** Reads the trust status; opens the dialog when the commands need an answer. */
  load(): Promise<void>
  /** Trusts exactly the commands shown; true when it worked. */
  grant(): Promise<boolean>
  showDialog(): void
  /** "Not now": the board stays read-only. */
  dismiss(): void
  /** The backend says trust changed (pushed event). */
  changed(status: TrustStatus): void
  reset(): void
}

/** The trust store's full shape. */
export type TrustStore = TrustState & TrustActions

/** Defaults: nothing known. */
export const TRUST_DEFAULTS: TrustState = {
  status: null,
  dialogOpen: false,
  granting: false,
  error: null
}

const needsAnswer = (s: TrustStatus): boolean => s.state === 'untrusted' || s.state === 'changed'

/** Creates the trust store over an API client (a fake one in tests). */
export function createTrustStore(client: ApiClient): StoreApi<TrustStore> {
  let seq = 0
  return createStore<TrustStore>()((set, get) => ({
    ...TRUST_DEFAULTS,

    async load() {
      const mine = ++seq
      try {
        const status = await client.call('trust.status', {})
        if (mine !== seq) return
        set({ status, dialogOpen: needsAnswer(status), error: null })
      } catch (err) {
        if (mine === seq) set({ status: null, dialogOpen: false, error: describeError(err) })
      }
    },

    async grant() {
      const status = get().status
      if (!status) return false
      set({ granting: true, error: null })
      try {
        const next = await client.call('trust.grant', { fingerprint: status.fingerprint })
        set({ status: next, granting: false, dialogOpen: false })
        return true
      } catch (err) {
        set({ granting: false, error: describeError(err) })
        // The commands changed meanwhile: show the new ones.
        void get().load()
        return false
      }
    },

    showDialog() {
      if (get().status) set({ dialogOpen: true, error: null })
    },

    dismiss() {
      set({ dialogOpen: false, error: null })
    },

    changed(status) {
      set({ status, dialogOpen: get().dialogOpen && needsAnswer(status) })
    },

    reset() {
      seq++
      set(TRUST_DEFAULTS)
    }
  }))
}
