import { z } from 'zod'
import { PersonSchema, TicketStatusSchema, TicketTypeSchema } from './ticket-models'

/** One commit that ships with a promotion: between what the target runs and the candidate. */
export const ShippedCommitSchema = z.object({
  sha: z.string(),
  subject: z.string(),
  author: PersonSchema,
  /** A revert (`Revert "…"`, or a body saying "This reverts commit …"). */
  revert: z.boolean(),
  tickets: z.array(z.string())
})
export type ShippedCommit = z.output<typeof ShippedCommitSchema>

/** One ticket that ships: found in the shipped commits' subjects. */
export const ShippedTicketSchema = z.object({
  key: z.string(),
  /** From the tracker; null when the tracker does not hold this key. */
  title: z.string().nullable(),
  type: TicketTypeSchema.nullable(),
  status: TicketStatusSchema.nullable(),
  /** Done or closed in the tracker. A ticket not tracked here is not resolved. */
  resolved: z.boolean()
})
export type ShippedTicket = z.output<typeof ShippedTicketSchema>

/** What a promotion ships, fixed when it was requested. */
export const ShipsSchema = z.object({
  /** The release the target environment ran when the promotion was requested, or null. */
  since: z.string().nullable(),
  commits: z.array(ShippedCommitSchema),
  tickets: z.array(ShippedTicketSchema)
})
export type Ships = z.output<typeof ShipsSchema>

/** One approval as the team sees it: whether it counts, and why not. */
export const PromotionApprovalSchema = z.object({
  id: z.string(),
  by: PersonSchema,
  at: z.string(),
  signed: z.boolean(),
  /** True when it counts toward the required approvals. */
  valid: z.boolean(),
  /** Why it does not count (the requester, an author, a signature that does not verify). */
  why: z.string().nullable()
})
export type PromotionApproval = z.output<typeof PromotionApprovalSchema>

/** How a promotion ended, once its deployment finished (or was refused before starting). */
export const PromotionOutcomeSchema = z.object({
  status: z.enum(['succeeded', 'failed', 'cancelled', 'rolled-back', 'refused']),
  deployment: z.string().nullable(),
  summary: z.string(),
  by: PersonSchema,
  at: z.string()
})
export type PromotionOutcome = z.output<typeof PromotionOutcomeSchema>

/** A promotion's lifecycle: waiting for approvals, approved (ready to deploy), or ended. */
export const PromotionStateSchema = z.enum(['pending', 'approved', 'ended'])
export type PromotionState = z.output<typeof PromotionStateSchema>

/** A promotion of one release from `from` to `to`, as team state (`refs/slipway/promotions/<id>`). */
export const PromotionSchema = z.object({
  id: z.string(),
  release: z.string(),
  /** The artifact's sha256 from the release manifest: what every target host must verify. */
  sha256: z.string(),
  commit: z.string(),
  from: z.string(),
  to: z.string(),
  requestedBy: PersonSchema,
  requestedAt: z.string(),
  reason: z.string(),
  ships: ShipsSchema,
  approvals: z.array(PromotionApprovalSchema),
  required: z.number().int(),
  /** Valid approvals so far. */
  approved: z.number().int(),
  state: PromotionStateSchema,
  /** What it waits for, in words (empty once approved or ended). */
  pending: z.array(z.string()),
  outcome: PromotionOutcomeSchema.nullable(),
  /** The key of the change ticket recording it in the tracker, when there is one. */
  changeTicket: z.string().nullable().optional()
})
export type Promotion = z.output<typeof PromotionSchema>
