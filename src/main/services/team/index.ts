/**
 * The team domain of a workspace: the team-state store, sync with origin (`slipway sync`, the
 * Sync button), and the services built on it (tickets, pull requests).
 */
export { Team, type TeamOptions } from './team'
export { TeamSync, BRANCH_REFSPEC, type SyncStatus } from './team-sync'
