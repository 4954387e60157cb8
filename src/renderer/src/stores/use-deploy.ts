import { useStore } from 'zustand'
import type { DeployStore } from './deploy-store'
import type { HistoryStore } from './history-store'
import { useStores } from './hooks'
import type { MergeReleasesStore } from './merge-release-store'
import type { ReleasesStore } from './releases-store'

/** One value from the deploy store; re-renders only when that value changes. */
export function useDeploy<T>(selector: (state: DeployStore) => T): T {
  return useStore(useStores().deploy, selector)
}

/** One value from the releases store; re-renders only when that value changes. */
export function useReleases<T>(selector: (state: ReleasesStore) => T): T {
  return useStore(useStores().releases, selector)
}

/** One value from the history store; re-renders only when that value changes. */
export function useHistory<T>(selector: (state: HistoryStore) => T): T {
  return useStore(useStores().history, selector)
}

/** One value from the merge-releases store; re-renders only when that value changes. */
export function useMergeReleases<T>(selector: (state: MergeReleasesStore) => T): T {
  return useStore(useStores().mergeReleases, selector)
}
