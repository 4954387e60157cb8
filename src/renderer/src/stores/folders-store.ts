import { createStore, type StoreApi } from 'zustand'
import type { FolderListing } from '../../../shared'
import { describeError, type ApiClient } from '../api/client'
import type { UiError } from './workspace-store'

/** The workspace picker's folder browser: the listed folder and the highlighted entry. */
export interface FoldersState {
  /** The in-page browser is shown (the host has no folder dialog of its own: serve). */
  readonly open: boolean
  readonly listing: FolderListing | null
  readonly loading: boolean
  readonly error: UiError | null
  readonly showHidden: boolean
  /** Index of the highlighted folder in `listing.entries`, or -1. */
  readonly active: number
}

/** What the picker may do with the folder browser. */
export interface FoldersActions {
  /**
   * Browse…: the host's own folder dialog where there is one (the desktop app), resolving to
   * the chosen folder (null when cancelled), starting at `defaultPath`; else the in-page
   * browser opens on home (null).
   */
  browse(defaultPath?: string): Promise<string | null>
  /** Lists `path` (default: home); the highlight goes to `select` when listed, else the first. */
  list(path?: string, select?: string): Promise<void>
  /** Lists the folder above; the folder left is highlighted. */
  up(): Promise<void>
  setShowHidden(showHidden: boolean): Promise<void>
  /** Moves the highlight by `delta` (clamped; Infinity and -Infinity for the ends). */
  move(delta: number): void
  close(): void
}

/** The folders store's full shape. */
export type FoldersStore = FoldersState & FoldersActions

/** Defaults: closed, nothing listed. */
export const FOLDERS_DEFAULTS: FoldersState = {
  open: false,
  listing: null,
  loading: false,
  error: null,
  showHidden: false,
  active: -1
}

/** Creates the folders store over an API client (a fake one in tests). */
export function createFoldersStore(client: ApiClient): StoreApi<FoldersStore> {
  // Answers of older requests are dropped: only the last listing asked for is shown.
  let request = 0
  return createStore<FoldersStore>()((set, get) => ({
    ...FOLDERS_DEFAULTS,

    async browse(defaultPath) {
      try {
        const pick = await client.call('folders.pick', defaultPath ? { defaultPath } : {})
        switch (pick.kind) {
          case 'chosen':
            return pick.path
          case 'cancelled':
            return null
          case 'unavailable':
            break
        }
      } catch (error) {
        set({ error: describeError(error) })
        return null
      }
      set({ open: true })
      await get().list(get().listing?.path)
      return null
    },

    async list(path, select) {
      const mine = ++request
      set({ loading: true, error: null })
      try {
        const listing = await client.call('folders.list', {
          ...(path ? { path } : {}),
          ...(get().showHidden ? { showHidden: true } : {})
        })
        if (mine !== request) return
        const at = select ? listing.entries.findIndex((e) => e.path === select) : -1
        set({
          listing,
          loading: false,
          active: at >= 0 ? at : listing.entries.length > 0 ? 0 : -1
        })
      } catch (error) {
        if (mine !== request) return
        // The listing shown stays: the error says why the folder asked for is not listed.
        set({ loading: false, error: describeError(error) })
      }
    },

    async up() {
      const listing = get().listing
      if (!listing?.parent) return
      await get().list(listing.parent, listing.path)
    },

    async setShowHidden(showHidden) {
      set({ showHidden })
      const listing = get().listing
      const selected = listing?.entries[get().active]?.path
      await get().list(listing?.path, selected)
    },

    move(delta) {
      const count = get().listing?.entries.length ?? 0
      if (count === 0) return
      set({ active: Math.min(count - 1, Math.max(0, get().active + delta)) })
    },

    close() {
      request++
      set({ open: false, loading: false, error: null })
    }
  }))
}
