import { z } from 'zod'
import { defineMethods } from './contract-method'
import {
  StartWorkResultSchema,
  TicketDetailSchema,
  TicketFieldsSchema,
  TicketSchema,
  TicketStatusSchema,
  TicketTypeSchema
} from './ticket-models'

const Key = z.string().trim().min(1, 'a ticket key is required').max(64)

/**
 * Ticket methods (the embedded tracker: tickets stored in the repository as team state).
 * Spread into the one `contract` in contract.ts.
 */
export const ticketMethods = defineMethods({
  /** Tickets ordered by key, filtered (every filter optional, combined with "and"). */
  'tickets.list': {
    request: z
      .object({
        status: z.array(TicketStatusSchema).optional(),
        type: z.array(TicketTypeSchema).optional(),
        /** A name or email; null for unassigned tickets. */
        assignee: z.string().max(200).nullable().optional(),
        text: z.string().max(200).optional()
      })
      .strict(),
    response: z.array(TicketSchema),
    effect: 'read'
  },
  /** One ticket with its branches, commits and pull requests. */
  'tickets.get': {
    request: z.object({ key: Key }).strict(),
    response: TicketDetailSchema,
    effect: 'read'
  },
  /** Creates a ticket with the next free key of the project's prefix. */
  'tickets.create': {
    request: z
      .object({
        title: z.string().trim().min(1, 'a title is required').max(200),
        description: z.string().max(20_000).optional(),
        type: TicketTypeSchema.optional(),
        assignee: z.string().trim().max(200).nullable().optional()
      })
      .strict(),
    response: TicketSchema,
    effect: 'change'
  },
  /** Sets fields of a ticket. */
  'tickets.edit': {
    request: z.object({ key: Key, changes: TicketFieldsSchema }).strict(),
    response: TicketSchema,
    effect: 'change'
  },
  /**
   * Creates the ticket's branch from main; with `switchTo`, checks it out when the checkout is
   * clean (else says why not).
   */
  'tickets.startWork': {
    request: z.object({ key: Key, switchTo: z.boolean().default(false) }).strict(),
    response: StartWorkResultSchema,
    effect: 'change'
  }
})

/** Events of the ticket domain: name → payload. */
export interface TicketEvents {
  /** Tickets changed here or arrived with a sync; lists should be re-read. */
  'tickets.changed': { readonly reason: string }
}
