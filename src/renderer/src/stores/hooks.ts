import { createContext, useContext } from 'react'
import { useStore } from 'zustand'
import type { BranchesStore } from './branches-store'
import type { Stores } from './stores'
import type { WorkspaceStore } from './workspace-store'

/** Carries the app's {@link Stores} to components; tests provide stores over a fake client. */
export const StoresContext = createContext<Stores | null>(null)

/** The stores from the nearest provider. */
export function useStores(): Stores {
  const stores = useContext(StoresContext)
  if (!stores) throw new Error('useStores needs a StoresContext provider')
  return stores
}

/** One value from the workspace store; re-renders only when that value changes. */
export function useWorkspace<T>(selector: (state: WorkspaceStore) => T): T {
  return useStore(useStores().workspace, selector)
}

/** One value from the branches store; re-renders only when that value changes. */
export function useBranches<T>(selector: (state: BranchesStore) => T): T {
  return useStore(useStores().branches, selector)
}
