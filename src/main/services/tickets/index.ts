/**
 * Tickets: the embedded tracker (tickets as team state under refs/slipway/tickets, keys from
 * per-clone key blocks), the tracker interface other trackers will implement, the ticket view
 * with its links (branches, commits, pull requests), and Start work.
 */
export { TicketsService, type TicketFilter, type TicketsServiceOptions } from './tickets-service'
export {
  EmbeddedTracker,
  TICKET_BLOCK_SIZE,
  type EmbeddedTrackerOptions,
  type RecordedTicket
} from './embedded-tracker'
export type { NewTicket, Tracker, TrackerCapabilities } from './tracker'
export { branchNameFor, startWorkBranch, type StartedBranch } from './start-work'
export { foldTicket, TICKET_CREATE, TICKET_EDIT } from './ticket-fold'
export { MAX_TICKET_COMMITS } from './ticket-links'
export { ChangeTickets, type ChangeOutcome } from './change-tickets'
export { CHANGE_OPS, changeDescription, foldChange } from './change-fold'
