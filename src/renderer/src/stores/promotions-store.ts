import { createStore, type StoreApi } from 'zustand'
import type { PromoteResult } from '../../../shared/contract-promotions'
import type { Promotion } from '../../../shared/promotion-models'
import { describeError, type ApiClient } from '../api/client'
import type { UiError } from './workspace-store'

/** The promote dialog: which release goes where, and what it ships (the preview). */
export interface PromoteDialog {
  readonly release: string
  readonly environment: string
  readonly preview: Promotion | null
  readonly previewError: UiError | null
}

/** Promotions as the lanes and the promote dialog show them. */
export interface PromotionsState {
  readonly promotions: readonly Promotion[]
  readonly loaded: boolean
  readonly error: UiError | null
  readonly dialog: PromoteDialog | null
  /** What a request is doing now. */
  readonly pending: 'promote' | 'approve' | 'approve-as' | 'cancel' | null
  /** The last promote or approve that was refused, with the reason. */
  readonly actionError: UiError | null
  /** The answer of the last promote. */
  readonly result: PromoteResult | null
  /** The promotion the dialog withdrew (ended, cancelled), until the dialog closes. */
  readonly withdrawn: Promotion | null
  /** Release notes last asked for. */
  readonly notes: {
    readonly release: string
    readonly markdown: string | null
    readonly error: UiError | null
  } | null
}

/** What components and subscriptions may do. */
export interface PromotionsActions {
  load(): Promise<void>
  /** A `promotions.changed` event: re-read when the list is shown. */
  changed(): void
  open(release: string, environment: string): Promise<void>
  close(): void
  promote(options: { reason?: string; overrideFreeze?: string }): Promise<void>
  approve(release: string, environment: string): Promise<void>
  /** Withdraws the dialog's open promotion (its requester only; the server says why not). */
  cancel(reason: string): Promise<void>
  /** The demo only: its release approver approves from her own clone. */
  approveAsDemoApprover(release: string, environment: string): Promise<void>
  /** Reads a release's notes (Markdown). */
  loadNotes(release: string): Promise<void>
  reset(): void
}

/** The promotions store's full shape. */
export type PromotionsStore = PromotionsState & PromotionsActions

/** Defaults: nothing read yet. */
export const PROMOTIONS_DEFAULTS: PromotionsState = {
  promotions: [],
  loaded: false,
  error: null,
  dialog: null,
  pending: null,
  actionError: null,
  result: null,
  withdrawn: null,
  notes: null
}

/** Creates the promotions store over an API client (a fake one in tests). */
export function createPromotionsStore(client: ApiClient): StoreApi<PromotionsStore> {
  let generation = 0
  return createStore<PromotionsStore>()((set, get) => ({
    ...PROMOTIONS_DEFAULTS,

    async load() {
      const at = generation
      try {
        const promotions = await client.call('promotions.list', {})
        if (at === generation) set({ promotions, loaded: true, error: null })
      } catch (error) {
        if (at === generation) set({ loaded: true, error: describeError(error) })
      }
    },

    changed() {
      if (get().loaded) void get().load()
    },

    async open(release, environment) {
      const at = ++generation
      set({
        dialog: { release, environment, preview: null, previewError: null },
        actionError: null,
        result: null,
        withdrawn: null
      })
      try {
        const preview = await client.call('promotions.preview', { release, environment })
        if (at === generation)
          set({ dialog: { release, environment, preview, previewError: null } })
      } catch (error) {
        if (at === generation) {
          set({
            dialog: { release, environment, preview: null, previewError: describeError(error) }
          })
        }
      }
    },

    close() {
      generation += 1
      set({ dialog: null, actionError: null, result: null, withdrawn: null, pending: null })
    },

    async promote(options) {
      const dialog = get().dialog
      if (!dialog || get().pending) return
      set({ pending: 'promote', actionError: null })
      try {
        const result = await client.call('promotions.promote', {
          release: dialog.release,
          environment: dialog.environment,
          ...(options.reason?.trim() ? { reason: options.reason.trim() } : {}),
          ...(options.overrideFreeze?.trim()
            ? { overrideFreeze: options.overrideFreeze.trim() }
            : {})
        })
        set({ pending: null, result })
        void get().load()
      } catch (error) {
        set({ pending: null, actionError: describeError(error) })
      }
    },

    async approve(release, environment) {
      if (get().pending) return
      set({ pending: 'approve', actionError: null })
      try {
        await client.call('promotions.approve', { release, environment })
        set({ pending: null })
        void get().load()
      } catch (error) {
        set({ pending: null, actionError: describeError(error) })
      }
    },

    async cancel(reason) {
      const dialog = get().dialog
      if (!dialog || get().pending) return
      set({ pending: 'cancel', actionError: null })
      try {
        const withdrawn = await client.call('promotions.cancel', {
          release: dialog.release,
          environment: dialog.environment,
          ...(reason.trim() ? { reason: reason.trim() } : {})
        })
        set({ pending: null, withdrawn })
        void get().load()
      } catch (error) {
        set({ pending: null, actionError: describeError(error) })
      }
    },

    async approveAsDemoApprover(release, environment) {
      if (get().pending) return
      set({ pending: 'approve-as', actionError: null })
      try {
        await client.call('demo.approvePromotion', { release, environment })
        set({ pending: null })
        void get().load()
      } catch (error) {
        set({ pending: null, actionError: describeError(error) })
      }
    },

    async loadNotes(release) {
      set({ notes: { release, markdown: null, error: null } })
      try {
        const { markdown } = await client.call('releases.notes', { release })
        if (get().notes?.release === release) set({ notes: { release, markdown, error: null } })
      } catch (error) {
        if (get().notes?.release === release) {
          set({ notes: { release, markdown: null, error: describeError(error) } })
        }
      }
    },

    reset() {
      generation += 1
      set(PROMOTIONS_DEFAULTS)
    }
  }))
}
