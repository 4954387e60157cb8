/**
 * The tracker behind tickets. Slipway's own (the embedded tracker, tickets stored in the
 * repository as team state) is the default; Jira or GitHub Issues plug in later by
 * implementing this interface, so the board, the CLI and Start work never know which one
 * answers. Adapters are not written yet.
 */
import type { ChangeRequest, Ticket, TicketFields, TicketType } from '../../../shared/ticket-models'

/** What a new ticket starts with (title required; the rest defaults). */
export interface NewTicket {
  readonly title: string
  readonly description?: string
  readonly type?: TicketType
  readonly assignee?: string | null
  /** A change ticket's promotion and what ships (type `change`). */
  readonly change?: ChangeRequest
}

/** What a tracker can do; the UI hides what it cannot. */
export interface TrackerCapabilities {
  /** Keys are handed out here (the embedded tracker) rather than by a server. */
  readonly createOffline: boolean
  /** Tickets change through sync with origin (the embedded tracker) or through an API. */
  readonly storage: 'repository' | 'remote'
}

/** A source of tickets. Keys (`ORD-123`) identify tickets across every method. */
export interface Tracker {
  /** `embedded`, `jira`, `github` … */
  readonly kind: string
  readonly capabilities: TrackerCapabilities
  /** Every ticket, ordered by key. */
  list(): Promise<Ticket[]>
  /** One ticket by key; `ExpectedError('not-found')` when unknown. */
  get(key: string): Promise<Ticket>
  /** Creates a ticket with the next free key. */
  create(input: NewTicket): Promise<Ticket>
  /** Changes fields of a ticket; answers the new state. */
  edit(key: string, changes: TicketFields): Promise<Ticket>
}
