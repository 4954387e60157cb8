import type { Promotion } from '../../../shared/promotion-models'

/**
 * Who this clone is, as far as the board knows: the repository's `user.email`; null when git
 * has no identity here; undefined while it has not been read (the server then decides alone).
 */
export type Me = string | null | undefined

const HOW_TO_SET_EMAIL =
  'set it with git config user.email you@example.com (and git config user.name "Your Name")'

const same = (a: string, b: string): boolean => a.trim().toLowerCase() === b.trim().toLowerCase()

/** Why this person may not withdraw `promotion` (only its requester may), or null when they may. */
export function withdrawBlockedWhy(promotion: Promotion, me: Me): string | null {
  const requester = promotion.requestedBy
  if (me === undefined) return null
  if (me === null) {
    return `Withdraw needs to know who you are, and git does not here: ${HOW_TO_SET_EMAIL}. Only ${requester.email}, who requested this promotion, can withdraw it.`
  }
  if (same(me, requester.email)) return null
  return `Only ${requester.name} <${requester.email}>, who requested this promotion, can withdraw it (you are ${me}).`
}

/**
 * Why this person's Approve is off: they approved already and their approval counts (one that
 * does not count, say a signature that failed, may be given again). Null when Approve is open;
 * the server judges the rest (the requester, authors, signatures) and says why in words.
 */
export function approveBlockedWhy(promotion: Promotion, me: Me): string | null {
  if (!me) return null
  const mine = promotion.approvals.find((a) => same(a.by.email, me) && a.valid)
  if (!mine) return null
  return `You approved this promotion already${mine.signed ? ' (signed)' : ''}; it counts toward the ${promotion.required} required.`
}
