import { createStore, type StoreApi } from 'zustand'
import type { MergeRelease } from '../../../shared'
import { describeError, type ApiClient } from '../api/client'
import { browserNotifier, type Notifier } from '../lib/notify'
import type { UiError } from './workspace-store'

/** What Slipway did after merges to main: the release built and where it was deployed. */
export interface MergeReleasesState {
  /** Newest first. */
  readonly mergeReleases: readonly MergeRelease[]
  readonly loaded: boolean
  readonly error: UiError | null
}

/** What the board and the event subscriptions may do with merge releases. */
export interface MergeReleasesActions {
  /** Reads them (which also makes the backend watch main for merges). */
  load(): Promise<void>
  /** A `mergeReleases.changed` event. */
  changed(mergeRelease: MergeRelease): void
  reset(): void
}

/** The merge-releases store's full shape. */
export type MergeReleasesStore = MergeReleasesState & MergeReleasesActions

/** Defaults: nothing read yet. */
export const MERGE_RELEASES_DEFAULTS: MergeReleasesState = {
  mergeReleases: [],
  loaded: false,
  error: null
}

/** True once a merge release ended (whatever the outcome). */
export function isEnded(m: MergeRelease): boolean {
  return m.state === 'succeeded' || m.state === 'failed'
}

/** The title and body of the notification for a merge release that ended. */
export function endNotice(m: MergeRelease): { title: string; body: string } {
  const commit = m.commit.slice(0, 7)
  if (m.state === 'succeeded') {
    const where = m.environments.filter((e) => e.state === 'succeeded').map((e) => e.environment)
    return {
      title: `Merge ${commit} released`,
      body: m.release
        ? `${m.release}${where.length > 0 ? ` runs on ${where.join(', ')}` : ''}`
        : (m.reason ?? m.subject)
    }
  }
  return { title: `Merge ${commit} was not released`, body: m.reason ?? m.subject }
}

/** Creates the merge-releases store over an API client (a fake one in tests). */
export function createMergeReleasesStore(
  client: ApiClient,
  options: { readonly notifier?: Notifier } = {}
): StoreApi<MergeReleasesStore> {
  const notifier = options.notifier ?? browserNotifier()
  // Merge releases seen under way here: only their endings are worth a notification.
  const watched = new Set<string>()
  let generation = 0
  // The newest load, and the merge releases pushed while it was in flight: the server read its
  // answer before some of these, so they go on top of it (one that ended while the board
  // opened would otherwise show as under way for good).
  let loadSeq = 0
  let sinceLoad: MergeRelease[] | null = null
  return createStore<MergeReleasesStore>()((set, get) => ({
    ...MERGE_RELEASES_DEFAULTS,

    async load() {
      const at = generation
      const seq = ++loadSeq
      const pushed: MergeRelease[] = []
      sinceLoad = pushed
      try {
        const listed = await client.call('mergeReleases.list', {})
        if (at !== generation || seq !== loadSeq) return
        sinceLoad = null
        const mergeReleases = onTop(listed, pushed)
        for (const m of mergeReleases) if (!isEnded(m)) watched.add(m.id)
        set({ mergeReleases, loaded: true, error: null })
      } catch (error) {
        if (at !== generation || seq !== loadSeq) return
        sinceLoad = null
        set({ loaded: true, error: describeError(error) })
      }
    },

    changed(mergeRelease) {
      sinceLoad?.push(mergeRelease)
      const before = get().mergeReleases.find((m) => m.id === mergeRelease.id)
      set((s) => ({
        mergeReleases: [mergeRelease, ...s.mergeReleases.filter((m) => m.id !== mergeRelease.id)]
      }))
      if (!isEnded(mergeRelease)) {
        if (!watched.has(mergeRelease.id)) notifier.requestPermission()
        watched.add(mergeRelease.id)
        return
      }
      if (!watched.delete(mergeRelease.id) || (before && isEnded(before))) return
      // A deployment says itself when it ends (the deploy store notifies); say the rest here.
      if (mergeRelease.environments.some((e) => e.deployment !== null)) return
      const { title, body } = endNotice(mergeRelease)
      notifier.notify(title, body)
    },

    reset() {
      generation++
      watched.clear()
      set(MERGE_RELEASES_DEFAULTS)
    }
  }))
}

/** `listed` with `pushed` on top (the last push of each wins; ones not listed go first). */
function onTop(listed: readonly MergeRelease[], pushed: readonly MergeRelease[]): MergeRelease[] {
  const latest = new Map(pushed.map((m) => [m.id, m]))
  const known = new Set(listed.map((m) => m.id))
  const added = [...latest.values()].filter((m) => !known.has(m.id)).reverse()
  return [...added, ...listed.map((m) => latest.get(m.id) ?? m)]
}
