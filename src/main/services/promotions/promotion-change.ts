/**
 * What a promotion tells its change ticket (tickets domain, `ChangeTickets`): opened with the
 * promotion and what ships when requested, then each approval, then the outcome.
 */
import type { Promotion } from '../../../shared/promotion-models'
import type { ChangeRequest, Ticket } from '../../../shared/ticket-models'
import type { ChangeOutcome } from '../tickets'

/** The change tickets as promotions use them. */
export interface PromotionChanges {
  open(request: ChangeRequest): Promise<Ticket>
  approved(promotion: string, signed: boolean): Promise<unknown>
  ended(promotion: string, outcome: ChangeOutcome): Promise<unknown>
}

/** The change request of a promotion: the promotion, its release and what ships. */
export function changeRequestOf(p: Promotion): ChangeRequest {
  return {
    promotion: p.id,
    release: p.release,
    commit: p.commit,
    from: p.from,
    to: p.to,
    reason: p.reason,
    tickets: p.ships.tickets.map((t) => ({ key: t.key, title: t.title })),
    commits: p.ships.commits.map((c) => ({ sha: c.sha, subject: c.subject, revert: c.revert }))
  }
}
