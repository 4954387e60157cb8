import { createStore, type StoreApi } from 'zustand'
import type { LedgerEvents } from '../../../shared/contract-ledger'
import type {
  LedgerKind,
  LedgerOutcome,
  LedgerRecord,
  LedgerVerifyReport
} from '../../../shared/ledger-models'
import { describeError, type ApiClient } from '../api/client'
import type { UiError } from './workspace-store'

/** The ledger view's filters; every one optional, combined with "and". */
export interface LedgerFilters {
  /** An environment's name; '' for any. */
  readonly environment: string
  /** A ticket key; '' for any. */
  readonly ticket: string
  /** Part of a name or email; '' for anyone. */
  readonly person: string
  readonly outcome: LedgerOutcome | null
  /** Kinds to show; none ticked means every kind. */
  readonly kinds: readonly LedgerKind[]
}

/** Every kind, in the order the view lists them (the renderer keeps zod out of its bundle). */
export const LEDGER_KIND_LIST = [
  'release',
  'deployment',
  'rollback',
  'promotion',
  'approval',
  'override',
  'lock',
  'lock-break'
] as const satisfies readonly LedgerKind[]

/** Every outcome a deployment or rollback can end with. */
export const LEDGER_OUTCOME_LIST = [
  'succeeded',
  'failed',
  'cancelled',
  'rolled-back'
] as const satisfies readonly LedgerOutcome[]

/** What the last Verify did. */
export type LedgerVerifyState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'running' }
  | { readonly kind: 'done'; readonly report: LedgerVerifyReport; readonly at: number }
  | { readonly kind: 'failed'; readonly error: UiError }

/** An export ready to be saved: the file's name, type and text. */
export interface LedgerFile {
  readonly name: string
  readonly type: string
  readonly text: string
  readonly entries: number
}

/** The ledger view: its filters, the entries they match, Verify and Export. */
export interface LedgerState {
  readonly viewOpen: boolean
  readonly filters: LedgerFilters
  readonly records: readonly LedgerRecord[]
  readonly loading: boolean
  readonly loaded: boolean
  readonly error: UiError | null
  readonly verify: LedgerVerifyState
  readonly exporting: 'json' | 'csv' | null
  /** The last export that was handed to the browser to save. */
  readonly exported: { readonly name: string; readonly entries: number } | null
  readonly exportError: UiError | null
  /** An entry that could not be appended here (the operation itself went on). */
  readonly appendFailed: string | null
}

/** What the view and the event subscriptions may do. */
export interface LedgerActions {
  showView(): void
  hideView(): void
  setFilters(patch: Partial<LedgerFilters>): void
  clearFilters(): void
  load(): Promise<void>
  /** Checks the chain, rewrites since the last verify and the hosts' logs. */
  runVerify(): Promise<void>
  /** The filtered ledger as a file to save; null when it failed (exportError says why). */
  exportAs(format: 'json' | 'csv'): Promise<LedgerFile | null>
  /** A `ledger.changed` event. */
  changed(payload: LedgerEvents['ledger.changed']): void
  dismissAppendFailed(): void
  reset(): void
}

/** The ledger store's full shape. */
export type LedgerStore = LedgerState & LedgerActions

/** No filter: every entry. */
export const NO_LEDGER_FILTERS: LedgerFilters = {
  environment: '',
  ticket: '',
  person: '',
  outcome: null,
  kinds: []
}

/** Defaults: the view closed, nothing read. */
export const LEDGER_DEFAULTS: LedgerState = {
  viewOpen: false,
  filters: NO_LEDGER_FILTERS,
  records: [],
  loading: false,
  loaded: false,
  error: null,
  verify: { kind: 'idle' },
  exporting: null,
  exported: null,
  exportError: null,
  appendFailed: null
}

/** The filters as the API takes them (blank ones left out). */
export function ledgerRequest(f: LedgerFilters): {
  environment?: string
  ticket?: string
  person?: string
  outcome?: LedgerOutcome
  kind?: LedgerKind[]
} {
  return {
    ...(f.environment ? { environment: f.environment } : {}),
    ...(f.ticket.trim() ? { ticket: f.ticket.trim() } : {}),
    ...(f.person.trim() ? { person: f.person.trim() } : {}),
    ...(f.outcome ? { outcome: f.outcome } : {}),
    ...(f.kinds.length > 0 ? { kind: [...f.kinds] } : {})
  }
}

/** `slipway-ledger-2026-12-03-0105.csv`: the export's file name, local time. */
export function exportFileName(format: 'json' | 'csv', now: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0')
  const stamp = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}-${pad(now.getHours())}${pad(now.getMinutes())}`
  return `slipway-ledger-${stamp}.${format}`
}

/** Creates the ledger store over an API client (a fake one in tests). */
export function createLedgerStore(client: ApiClient): StoreApi<LedgerStore> {
  let generation = 0
  let listRequest = 0
  return createStore<LedgerStore>()((set, get) => ({
    ...LEDGER_DEFAULTS,

    showView() {
      set({ viewOpen: true })
      void get().load()
    },
    hideView() {
      set({ viewOpen: false })
    },
    setFilters(patch) {
      set((s) => ({ filters: { ...s.filters, ...patch } }))
      void get().load()
    },
    clearFilters() {
      set({ filters: NO_LEDGER_FILTERS })
      void get().load()
    },

    async load() {
      const at = generation
      const mine = ++listRequest
      set({ loading: true })
      try {
        const records = await client.call('ledger.list', ledgerRequest(get().filters))
        // Only the newest answer counts: filters typed quickly race.
        if (at === generation && mine === listRequest) {
          set({ records, loading: false, loaded: true, error: null })
        }
      } catch (error) {
        if (at === generation && mine === listRequest) {
          set({ loading: false, loaded: true, error: describeError(error) })
        }
      }
    },

    async runVerify() {
      if (get().verify.kind === 'running') return
      const at = generation
      set({ verify: { kind: 'running' } })
      try {
        const report = await client.call('ledger.verify', {})
        if (at === generation) set({ verify: { kind: 'done', report, at: Date.now() } })
      } catch (error) {
        if (at === generation) set({ verify: { kind: 'failed', error: describeError(error) } })
      }
    },

    async exportAs(format) {
      if (get().exporting) return null
      const at = generation
      set({ exporting: format, exportError: null })
      try {
        const answer = await client.call('ledger.export', {
          ...ledgerRequest(get().filters),
          format
        })
        if (at !== generation) return null
        const name = exportFileName(format, new Date())
        set({ exporting: null, exported: { name, entries: answer.entries } })
        return {
          name,
          type: format === 'csv' ? 'text/csv' : 'application/json',
          text: answer.text,
          entries: answer.entries
        }
      } catch (error) {
        if (at === generation) set({ exporting: null, exportError: describeError(error) })
        return null
      }
    },

    changed(payload) {
      if (payload.kind === 'append-failed') set({ appendFailed: payload.message })
      if (get().viewOpen || get().loaded) void get().load()
    },

    dismissAppendFailed() {
      set({ appendFailed: null })
    },

    reset() {
      generation++
      set(LEDGER_DEFAULTS)
    }
  }))
}
