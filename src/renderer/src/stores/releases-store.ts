import { createStore, type StoreApi } from 'zustand'
import type { Release } from '../../../shared'
import type { ReleasesChange } from '../../../shared/contract-deploy'
// Values come from errors.ts directly so the renderer bundle does not pull in zod.
import { assertNever } from '../../../shared/errors'
import { describeError, type ApiClient } from '../api/client'
import type { UiError } from './workspace-store'

/** Releases of the open workspace and the build in progress, if any. */
export interface ReleasesState {
  readonly releases: readonly Release[]
  readonly loading: boolean
  readonly loaded: boolean
  /** A release is being built (by this window or another). */
  readonly building: boolean
  /** The build's output so far (the last 200 lines). */
  readonly buildLog: readonly string[]
  readonly error: UiError | null
}

/** What the UI and the event subscriptions may do with releases. */
export interface ReleasesActions {
  load(): Promise<void>
  /** Builds a release from main (or `commit`); the new release, or null when it failed. */
  create(commit?: string): Promise<Release | null>
  /** A `releases.changed` event. */
  changed(change: ReleasesChange): void
  reset(): void
}

/** The releases store's full shape. */
export type ReleasesStore = ReleasesState & ReleasesActions

/** Defaults: nothing loaded. */
export const RELEASES_DEFAULTS: ReleasesState = {
  releases: [],
  loading: false,
  loaded: false,
  building: false,
  buildLog: [],
  error: null
}

const MAX_LOG = 200

/** Creates the releases store over an API client (a fake one in tests). */
export function createReleasesStore(client: ApiClient): StoreApi<ReleasesStore> {
  // The newest load, and the releases created or pruned while it was in flight: the server
  // read its answer before some of these, so they go on top of it (a release built while the
  // board opened would otherwise be missing until the next read).
  let loadSeq = 0
  let sinceLoad: ReleasesChange[] | null = null
  return createStore<ReleasesStore>()((set, get) => ({
    ...RELEASES_DEFAULTS,

    async load() {
      const seq = ++loadSeq
      const pushed: ReleasesChange[] = []
      sinceLoad = pushed
      set({ loading: true })
      try {
        const listed = await client.call('releases.list', {})
        if (seq !== loadSeq) return
        sinceLoad = null
        const releases = pushed.reduce(applyChange, listed)
        set({ releases, loading: false, loaded: true, error: null })
      } catch (error) {
        if (seq !== loadSeq) return
        sinceLoad = null
        set({ loading: false, loaded: true, error: describeError(error) })
      }
    },

    async create(commit) {
      set({ building: true, buildLog: [], error: null })
      try {
        const release = await client.call('releases.create', commit ? { commit } : {})
        set((s) => ({
          building: false,
          releases: [release, ...s.releases.filter((r) => r.id !== release.id)]
        }))
        return release
      } catch (error) {
        set({ building: false, error: describeError(error) })
        return null
      }
    },

    changed(change) {
      sinceLoad?.push(change)
      switch (change.kind) {
        case 'building':
          set((s) => ({
            building: true,
            buildLog: [...s.buildLog, change.line].slice(-MAX_LOG)
          }))
          return
        case 'created':
          set((s) => ({
            building: false,
            releases: [change.release, ...s.releases.filter((r) => r.id !== change.release.id)]
          }))
          return
        case 'failed':
          set((s) => ({ building: false, buildLog: [...s.buildLog, change.message] }))
          return
        case 'pruned':
          if (change.removed.length === 0) return
          set((s) => ({ releases: s.releases.filter((r) => !change.removed.includes(r.id)) }))
          void get().load()
          return
        default:
          assertNever(change)
      }
    },

    reset() {
      set(RELEASES_DEFAULTS)
    }
  }))
}

/** `releases` with a created release on top, or pruned ones gone; other changes keep it. */
function applyChange(releases: readonly Release[], change: ReleasesChange): readonly Release[] {
  if (change.kind === 'created') {
    return [change.release, ...releases.filter((r) => r.id !== change.release.id)]
  }
  if (change.kind === 'pruned') return releases.filter((r) => !change.removed.includes(r.id))
  return releases
}
