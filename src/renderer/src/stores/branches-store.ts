import { createStore, type StoreApi } from 'zustand'
import type { Branch, BranchListing, Commit, PrunableBranch, PruneOutcome } from '../../../shared'
import { describeError, type ApiClient } from '../api/client'
import { boardBranches, filterBranches, sortBranches, type BranchSort } from './filter-branches'
import type { UiError } from './workspace-store'

/** The drawer's commit list for one branch, as a lifecycle. */
export type BranchCommits =
  | { readonly kind: 'idle' }
  | { readonly kind: 'loading'; readonly name: string }
  | { readonly kind: 'loaded'; readonly name: string; readonly commits: readonly Commit[] }
  | { readonly kind: 'failed'; readonly name: string; readonly error: UiError }

/** The branch listing, the filter, the selection and the drawer. */
export interface BranchesState {
  readonly listing: BranchListing | null
  readonly loading: boolean
  readonly error: UiError | null
  readonly filter: string
  /** Name of the selected branch (the keyboard cursor in the list). */
  readonly selected: string | null
  readonly drawerOpen: boolean
  readonly commits: BranchCommits
  /** The branches with commits by the user's git identity (`user.email`), once read. */
  readonly mine: MyBranches | null
  /** The "Mine" filter: only those branches are listed. */
  readonly mineOnly: boolean
  /** The lane's order: newest tip first, or by name. */
  readonly sort: BranchSort
}

/** An action's answer for a dialog: the value, or the error to show. */
export type Answer<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: UiError }

/** Which branches are the user's: `email` null when git has no `user.email`. */
export interface MyBranches {
  readonly email: string | null
  readonly names: readonly string[]
}

/** What the UI and the event subscriptions may do with branches. */
export interface BranchesActions {
  /** Reads the listing (the backend may answer from its cache). */
  load(): Promise<void>
  /** Re-reads the listing from git. */
  refresh(): Promise<void>
  setFilter(text: string): void
  clearFilter(): void
  select(name: string | null): void
  /** Moves the selection by `delta` within the filtered list, clamped at both ends. */
  moveSelection(delta: number): void
  /** Opens the drawer on `name` (default: the selected branch) and loads its commits. */
  openDrawer(name?: string): void
  closeDrawer(): void
  loadCommits(name: string): Promise<void>
  /** Reads which branches have commits by the user's git identity. */
  loadMine(): Promise<void>
  /** Turns the "Mine" filter on or off. */
  setMineOnly(on: boolean): void
  /** True when `name` is one of the user's branches (as last read). */
  isMine(name: string): boolean
  setSort(sort: BranchSort): void
  /** The local branches merged into main that Prune may delete (read now). */
  loadPrunable(): Promise<Answer<readonly PrunableBranch[]>>
  /** Deletes those branches at those shas; the listing is read again. */
  prune(branches: readonly { name: string; sha: string }[]): Promise<Answer<PruneOutcome>>
  /** Creates pruned branches again at their shas (Prune's undo); the listing is read again. */
  restore(branches: readonly { name: string; sha: string }[]): Promise<Answer<PruneOutcome>>
  /** Forgets everything (another workspace was opened). */
  reset(): void
}

/** The branches store's full shape. */
export type BranchesStore = BranchesState & BranchesActions

/** Defaults: no listing yet. */
export const BRANCHES_DEFAULTS: BranchesState = {
  listing: null,
  loading: false,
  error: null,
  filter: '',
  selected: null,
  drawerOpen: false,
  commits: { kind: 'idle' },
  mine: null,
  mineOnly: false,
  // git's order (by name) until the user picks Recent activity.
  sort: 'name'
}

/** How many commits ahead of main the drawer asks for. */
export const DRAWER_COMMIT_LIMIT = 200

/** The branches the list shows now: main excluded, "Mine" and the filter applied, sorted. */
export function visibleBranches(state: BranchesState): readonly Branch[] {
  const board = boardBranches(state.listing?.branches ?? [])
  return sortBranches(filterBranches(onlyMine(board, state), state.filter), state.sort)
}

/** `branches` kept to the user's own while the "Mine" filter is on. */
export function onlyMine(
  branches: readonly Branch[],
  state: Pick<BranchesState, 'mine' | 'mineOnly'>
): readonly Branch[] {
  if (!state.mineOnly) return branches
  const names = new Set(state.mine?.names ?? [])
  return branches.filter((b) => names.has(b.name))
}

/** Creates the branches store over an API client (a fake one in tests). */
export function createBranchesStore(client: ApiClient): StoreApi<BranchesStore> {
  // Each read gets a number so a slow, older answer never overwrites a newer one.
  let readSeq = 0
  let commitsSeq = 0
  let mineSeq = 0

  return createStore<BranchesStore>()((set, get) => {
    const read = async (refresh: boolean): Promise<void> => {
      const seq = ++readSeq
      set({ loading: true, error: null })
      try {
        const listing = await client.call('branches.list', refresh ? { refresh: true } : {})
        if (seq !== readSeq) return
        const before = get()
        const previousSha = before.listing?.branches.find((b) => b.name === before.selected)?.sha
        const current = listing.branches.find((b) => b.name === before.selected)
        set({
          listing,
          loading: false,
          selected: current ? before.selected : null,
          drawerOpen: current ? before.drawerOpen : false,
          commits: current ? before.commits : { kind: 'idle' }
        })
        // Refs moved: which branches have my commits may have too (one git log, cached there).
        void get().loadMine()
        // The open drawer's branch moved: its commits ahead of main are stale.
        if (current && before.drawerOpen && previousSha !== current.sha) {
          void get().loadCommits(current.name)
        }
      } catch (error) {
        if (seq !== readSeq) return
        set({ loading: false, error: describeError(error) })
      }
    }

    const answer = async <T>(call: Promise<T>): Promise<Answer<T>> => {
      try {
        return { ok: true, value: await call }
      } catch (error) {
        return { ok: false, error: describeError(error) }
      }
    }

    return {
      ...BRANCHES_DEFAULTS,

      load: () => read(false),
      refresh: () => read(true),

      setFilter(text) {
        set({ filter: text })
        const state = get()
        const visible = visibleBranches(state)
        if (state.selected && !visible.some((b) => b.name === state.selected)) {
          set({ selected: visible[0]?.name ?? null })
        }
      },

      clearFilter() {
        set({ filter: '' })
      },

      select(name) {
        if (name === get().selected) return
        set({ selected: name })
        if (get().drawerOpen) {
          if (name) void get().loadCommits(name)
          else set({ drawerOpen: false, commits: { kind: 'idle' } })
        }
      },

      moveSelection(delta) {
        const state = get()
        const visible = visibleBranches(state)
        if (visible.length === 0) return
        const index = visible.findIndex((b) => b.name === state.selected)
        // With nothing selected, down starts above the first row and up below the last.
        const from = index === -1 ? (delta > 0 ? -1 : visible.length) : index
        const next = Math.min(visible.length - 1, Math.max(0, from + delta))
        get().select(visible[next].name)
      },

      openDrawer(name) {
        const target = name ?? get().selected
        if (!target) return
        set({ selected: target, drawerOpen: true })
        const commits = get().commits
        if (commits.kind !== 'idle' && commits.name === target && commits.kind !== 'failed') return
        void get().loadCommits(target)
      },

      closeDrawer() {
        set({ drawerOpen: false })
      },

      async loadCommits(name) {
        const seq = ++commitsSeq
        set({ commits: { kind: 'loading', name } })
        try {
          const commits = await client.call('branches.commits', {
            name,
            limit: DRAWER_COMMIT_LIMIT
          })
          if (seq !== commitsSeq) return
          set({ commits: { kind: 'loaded', name, commits } })
        } catch (error) {
          if (seq !== commitsSeq) return
          set({ commits: { kind: 'failed', name, error: describeError(error) } })
        }
      },

      async loadMine() {
        const seq = ++mineSeq
        try {
          const mine = await client.call('branches.mine', {})
          if (seq === mineSeq) set({ mine })
        } catch (error) {
          // Without the answer nothing is "mine"; the lane says why when the filter is on.
          if (seq === mineSeq) {
            set(get().mineOnly ? { mine: null, error: describeError(error) } : { mine: null })
          }
        }
      },

      setMineOnly(on) {
        set({ mineOnly: on })
        if (on) void get().loadMine()
        const state = get()
        const visible = visibleBranches(state)
        if (state.selected && !visible.some((b) => b.name === state.selected)) {
          set({ selected: visible[0]?.name ?? null })
        }
      },

      isMine(name) {
        return get().mine?.names.includes(name) ?? false
      },

      setSort(sort) {
        set({ sort })
      },

      loadPrunable: () => answer(client.call('branches.prunable', {})),

      async prune(branches) {
        const done = await answer(client.call('branches.prune', { branches: [...branches] }))
        void read(false)
        return done
      },

      async restore(branches) {
        const done = await answer(client.call('branches.restore', { branches: [...branches] }))
        void read(false)
        return done
      },

      reset() {
        readSeq++
        commitsSeq++
        mineSeq++
        set(BRANCHES_DEFAULTS)
      }
    }
  })
}
