import { useStore } from 'zustand'
import { useStores } from './hooks'
import type { TestsStore } from './tests-store'

/** One value from the tests store; re-renders only when that value changes. */
export function useTests<T>(selector: (state: TestsStore) => T): T {
  return useStore(useStores().tests, selector)
}
