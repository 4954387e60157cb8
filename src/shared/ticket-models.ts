import { z } from 'zod'
import type { SlipwayConfig } from './config-schema'

/** What kind of work a ticket is; `change` tickets record a promotion (a production change). */
export const TicketTypeSchema = z.enum(['task', 'bug', 'feature', 'chore', 'change'])
export type TicketType = z.output<typeof TicketTypeSchema>

/** A ticket's lifecycle; every switch over it ends in `assertNever`. */
export const TicketStatusSchema = z.enum(['open', 'in-progress', 'in-review', 'done', 'closed'])
export type TicketStatus = z.output<typeof TicketStatusSchema>

/** Who did something: a git identity. */
export const PersonSchema = z.object({ name: z.string(), email: z.string() })
export type Person = z.output<typeof PersonSchema>

/**
 * What a change ticket records: the promotion it is for, what ships (the shipped tickets are
 * its links), the approvals as they arrive and, once the deployment ended, its outcome.
 */
export const TicketChangeSchema = z.object({
  /** The promotion's id (`refs/slipway/promotions/<id>`). */
  promotion: z.string(),
  release: z.string(),
  commit: z.string(),
  from: z.string(),
  to: z.string(),
  requestedBy: PersonSchema,
  reason: z.string(),
  /** The shipped tickets (keys, with their titles where tracked). */
  tickets: z.array(z.object({ key: z.string(), title: z.string().nullable() })),
  /** The shipped commits, newest first; reverts marked. */
  commits: z.array(z.object({ sha: z.string(), subject: z.string(), revert: z.boolean() })),
  /** One per approver (their latest), as recorded when they approved. */
  approvals: z.array(z.object({ by: PersonSchema, at: z.string(), signed: z.boolean() })),
  outcome: z
    .object({
      status: z.enum(['succeeded', 'failed', 'cancelled', 'rolled-back']),
      deployment: z.string().nullable(),
      summary: z.string(),
      by: PersonSchema,
      at: z.string()
    })
    .nullable()
})
export type TicketChange = z.output<typeof TicketChangeSchema>

/** What a change ticket is opened with (the rest arrives later). */
export type ChangeRequest = Omit<TicketChange, 'approvals' | 'outcome' | 'requestedBy'>

/** A ticket of the embedded tracker, folded from its operation log. */
export const TicketSchema = z.object({
  /** Stable id (the entity's name under refs/slipway/tickets/). */
  id: z.string(),
  /** `ORD-123`. */
  key: z.string(),
  prefix: z.string(),
  number: z.number().int(),
  /**
   * False while the number comes from a block claimed offline: a sync may still move it (two
   * clones claimed the same place), and then the key changes once.
   */
  keyConfirmed: z.boolean(),
  title: z.string(),
  description: z.string(),
  type: TicketTypeSchema,
  status: TicketStatusSchema,
  /** A name or email, or null. */
  assignee: z.string().nullable(),
  createdBy: PersonSchema,
  /** ISO times of the first and the latest operation. */
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Operations folded into this state. */
  changes: z.number().int(),
  /** Set on change tickets (type `change`): the promotion they record. */
  change: TicketChangeSchema.optional()
})
export type Ticket = z.output<typeof TicketSchema>

/** What can be set on a ticket. */
export const TicketFieldsSchema = z
  .object({
    title: z.string().trim().min(1, 'a title is required').max(200),
    description: z.string().max(20_000),
    type: TicketTypeSchema,
    status: TicketStatusSchema,
    assignee: z.string().trim().max(200).nullable()
  })
  .partial()
  .strict()
export type TicketFields = z.output<typeof TicketFieldsSchema>

/** A branch that mentions a ticket (in its name or a commit subject ahead of main). */
export const TicketBranchSchema = z.object({
  name: z.string(),
  sha: z.string(),
  ahead: z.number().int(),
  behind: z.number().int()
})

/** A commit whose subject names a ticket. */
export const TicketCommitSchema = z.object({
  sha: z.string(),
  subject: z.string(),
  author: z.string(),
  date: z.string(),
  /** True when main contains it. */
  onMain: z.boolean()
})

/** A pull request of a ticket, in short. */
export const TicketPullSchema = z.object({
  id: z.string(),
  branch: z.string(),
  title: z.string(),
  state: z.enum(['open', 'merged', 'closed'])
})

/** A release that brought a ticket (its commits name the ticket). */
export const TicketReleaseSchema = z.object({
  id: z.string(),
  commit: z.string(),
  createdAt: z.string()
})

/** An environment running a release that contains the ticket (as deployed from here). */
export const TicketEnvironmentSchema = z.object({
  name: z.string(),
  release: z.string(),
  /** When that deployment finished. */
  at: z.string()
})

/** A ticket with what links to it. */
export const TicketDetailSchema = z.object({
  ticket: TicketSchema,
  branches: z.array(TicketBranchSchema),
  commits: z.array(TicketCommitSchema),
  pullRequests: z.array(TicketPullSchema),
  releases: z.array(TicketReleaseSchema),
  environments: z.array(TicketEnvironmentSchema),
  /** Change tickets of promotions that ship(ped) this ticket, with how each ended. */
  changes: z
    .array(
      z.object({
        key: z.string(),
        title: z.string(),
        to: z.string(),
        release: z.string(),
        status: TicketStatusSchema,
        outcome: z.enum(['succeeded', 'failed', 'cancelled', 'rolled-back']).nullable()
      })
    )
    .optional()
})
export type TicketDetail = z.output<typeof TicketDetailSchema>

/** What Start work did: the branch, and whether the checkout was switched (else why not). */
export const StartWorkResultSchema = z.object({
  branch: z.string(),
  created: z.boolean(),
  switched: z.boolean(),
  /** Why the checkout was not switched, when it was asked to be. */
  notSwitchedReason: z.string().nullable(),
  ticket: TicketSchema
})
export type StartWorkResult = z.output<typeof StartWorkResultSchema>

/**
 * The prefix of new ticket keys: `tickets.prefix`, else the first of `tickets.projects`, else
 * the first three letters of `project` in capitals (`orders` → `ORD`), else null (the user
 * must set one).
 */
export function ticketPrefixOf(config: SlipwayConfig): string | null {
  if (config.tickets.prefix) return config.tickets.prefix
  if (config.tickets.projects) return config.tickets.projects[0]
  const letters = (config.project ?? '').replace(/[^A-Za-z]/g, '').toUpperCase()
  return letters ? letters.slice(0, 3) : null
}
