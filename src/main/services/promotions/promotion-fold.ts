/**
 * Folds a promotion's operations (in fold order) into what was requested, the approvals given
 * and the outcome. Conflict rules: the request is the first `promotion.request`; approvals
 * accumulate (one per person counts: their latest); the first outcome is final, whatever
 * arrives around it (a promotion deploys once), except that a deployment's outcome beats a
 * withdrawal (only the requester's counts).
 */
import {
  PromotionOutcomeSchema,
  ShipsSchema,
  type PromotionOutcome,
  type Ships
} from '../../../shared/promotion-models'
import type { Person } from '../../../shared/ticket-models'
import type { Operation } from '../team-state'

/** Operation types of the promotion log. */
export const PROMOTION_OPS = {
  request: 'promotion.request',
  approve: 'promotion.approve',
  outcome: 'promotion.outcome'
} as const

/** One approval operation as written, before it is judged. */
export interface RawApproval {
  readonly id: string
  readonly by: Person
  readonly at: string
  /** The armored SSH signature over {@link approvalPayload}, when signed. */
  readonly signature: string | null
}

/** A promotion as its log says, before approvals are judged against the config and signers. */
export interface RawPromotion {
  readonly id: string
  readonly release: string
  readonly sha256: string
  readonly commit: string
  readonly from: string
  readonly to: string
  readonly requestedBy: Person
  readonly requestedAt: string
  readonly reason: string
  readonly ships: Ships
  readonly approvals: readonly RawApproval[]
  readonly outcome: PromotionOutcome | null
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null)
const person = (op: Operation): Person => ({ name: op.author.name, email: op.author.email })

/** The promotion `id`, or null when its log has no valid request. */
export function foldPromotion(id: string, ops: readonly Operation[]): RawPromotion | null {
  const request = ops.find((o) => o.type === PROMOTION_OPS.request)
  if (!request) return null
  const d = request.data
  const release = str(d.release)
  const sha256 = str(d.sha256)
  const commit = str(d.commit)
  const from = str(d.from)
  const to = str(d.to)
  const ships = ShipsSchema.safeParse(d.ships)
  if (!release || !sha256 || !commit || !from || !to || !ships.success) return null
  const latest = new Map<string, RawApproval>()
  let outcome: PromotionOutcome | null = null
  for (const op of ops) {
    if (op.type === PROMOTION_OPS.approve) {
      const email = op.author.email.toLowerCase()
      latest.set(email, {
        id: op.sha,
        by: person(op),
        at: new Date(op.time).toISOString(),
        signature: str(op.data.signature)
      })
    } else if (op.type === PROMOTION_OPS.outcome) {
      // Only the requester withdraws a request: a withdrawal written by anyone else is ignored.
      const withdrawal = op.data.deployment === null || op.data.deployment === undefined
      if (withdrawal && op.author.email.toLowerCase() !== request.author.email.toLowerCase()) {
        continue
      }
      // The first outcome is final, except that a deployment's outcome beats a withdrawal
      // written while it ran (on another clone): what reached the hosts is what happened.
      if (outcome !== null && (outcome.deployment !== null || withdrawal)) continue
      const parsed = PromotionOutcomeSchema.safeParse({
        ...op.data,
        by: person(op),
        at: new Date(op.time).toISOString()
      })
      if (parsed.success) outcome = parsed.data
    }
  }
  return {
    id,
    release,
    sha256,
    commit,
    from,
    to,
    requestedBy: person(request),
    requestedAt: new Date(request.time).toISOString(),
    reason: str(d.reason) ?? '',
    ships: ships.data,
    approvals: [...latest.values()],
    outcome
  }
}

/**
 * The exact text an approval signs: the promotion, the release and its artifact's sha256, and
 * both environments. A signature copied onto another promotion, release or artifact does not
 * verify.
 */
export function approvalPayload(p: {
  readonly id: string
  readonly release: string
  readonly sha256: string
  readonly from: string
  readonly to: string
}): string {
  return [
    'slipway promotion approval',
    `promotion ${p.id}`,
    `release ${p.release}`,
    `sha256 ${p.sha256}`,
    `from ${p.from}`,
    `to ${p.to}`,
    ''
  ].join('\n')
}

/** The promotion, release, artifact and environments a signed approval text names, or null. */
export function parseApprovalPayload(text: string): {
  readonly promotion: string
  readonly release: string
  readonly sha256: string
  readonly from: string
  readonly to: string
} | null {
  const m =
    /^slipway promotion approval\npromotion (\S+)\nrelease (\S+)\nsha256 (\S+)\nfrom (\S+)\nto (\S+)\n$/.exec(
      text
    )
  if (!m) return null
  const [, promotion = '', release = '', sha256 = '', from = '', to = ''] = m
  return { promotion, release, sha256, from, to }
}
