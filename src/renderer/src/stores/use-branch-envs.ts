import { useStore } from 'zustand'
import type { BranchEnvsStore } from './branch-envs-store'
import { useStores } from './hooks'

/** One value from the branch-environments store; re-renders only when that value changes. */
export function useBranchEnvs<T>(selector: (state: BranchEnvsStore) => T): T {
  return useStore(useStores().branchEnvs, selector)
}
