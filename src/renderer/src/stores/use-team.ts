import { useStore } from 'zustand'
import { useStores } from './hooks'
import type { LedgerStore } from './ledger-store'
import type { PromotionsStore } from './promotions-store'
import type { PullsStore } from './pulls-store'
import type { TeamStore } from './team-store'
import type { TicketsStore } from './tickets-store'

/** One value from the team (sync) store; re-renders only when that value changes. */
export function useTeam<T>(selector: (state: TeamStore) => T): T {
  return useStore(useStores().team, selector)
}

/** One value from the tickets store; re-renders only when that value changes. */
export function useTickets<T>(selector: (state: TicketsStore) => T): T {
  return useStore(useStores().tickets, selector)
}

/** One value from the pull-requests store; re-renders only when that value changes. */
export function usePulls<T>(selector: (state: PullsStore) => T): T {
  return useStore(useStores().pulls, selector)
}

/** One value from the promotions store; re-renders only when that value changes. */
export function usePromotions<T>(selector: (state: PromotionsStore) => T): T {
  return useStore(useStores().promotions, selector)
}

/** One value from the ledger store; re-renders only when that value changes. */
export function useLedger<T>(selector: (state: LedgerStore) => T): T {
  return useStore(useStores().ledger, selector)
}
