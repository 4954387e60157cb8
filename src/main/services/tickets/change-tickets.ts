/**
 * Change tickets: each promotion opens one in the embedded tracker (type `change`), carrying
 * the promotion, what ships (the shipped tickets are its links) and, as they arrive, the
 * approvals and the outcome, each an operation appended to the ticket's log, so the whole team
 * sees them after a sync. The description is kept in step with what the log says.
 */
import type {
  ChangeRequest,
  Ticket,
  TicketChange,
  TicketStatus
} from '../../../shared/ticket-models'
import { CHANGE_OPS, changeDescription } from './change-fold'
import type { EmbeddedTracker } from './embedded-tracker'

/** How a promotion ended, as its change ticket records it. */
export type ChangeOutcome = Omit<NonNullable<TicketChange['outcome']>, 'by' | 'at'>

/** The change tickets of one workspace's tracker. */
export class ChangeTickets {
  constructor(private readonly tracker: EmbeddedTracker) {}

  /** The change ticket of `promotion`, or null. */
  async find(promotion: string): Promise<Ticket | null> {
    return (await this.tracker.list()).find((t) => t.change?.promotion === promotion) ?? null
  }

  /** Opens the change ticket of a promotion (or answers the one it has). */
  async open(request: ChangeRequest): Promise<Ticket> {
    const existing = await this.find(request.promotion)
    if (existing) return existing
    const created = await this.tracker.create({
      title: `Change: ${request.release} from ${request.from} to ${request.to}`,
      type: 'change',
      change: request
    })
    return this.describe(created, null)
  }

  /** Records an approval (by this clone's git identity) on the promotion's change ticket. */
  async approved(promotion: string, signed: boolean): Promise<Ticket | null> {
    const ticket = await this.find(promotion)
    if (!ticket) return null
    const now = await this.tracker.appendOp(ticket.key, {
      type: CHANGE_OPS.approve,
      data: { signed },
      summary: `approved${signed ? ' (signed)' : ''}`
    })
    return this.describe(now, null)
  }

  /**
   * Records how the promotion ended (the first outcome is final, but a deployment's beats a
   * withdrawal): done when it succeeded, closed otherwise.
   */
  async ended(promotion: string, outcome: ChangeOutcome): Promise<Ticket | null> {
    const ticket = await this.find(promotion)
    const before = ticket?.change?.outcome
    if (!ticket || (before && (before.deployment !== null || outcome.deployment === null))) {
      return ticket
    }
    const now = await this.tracker.appendOp(ticket.key, {
      type: CHANGE_OPS.outcome,
      data: { ...outcome },
      summary: `outcome: ${outcome.status}`
    })
    return this.describe(now, outcome.status === 'succeeded' ? 'done' : 'closed')
  }

  private async describe(ticket: Ticket, status: TicketStatus | null): Promise<Ticket> {
    if (!ticket.change) return ticket
    const description = changeDescription(ticket.change)
    if (description === ticket.description && (status === null || status === ticket.status)) {
      return ticket
    }
    return this.tracker.edit(ticket.key, { description, ...(status ? { status } : {}) })
  }
}
