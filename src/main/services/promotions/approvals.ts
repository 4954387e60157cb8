/**
 * Judges a promotion's approvals against the target environment's `approvals` settings: the
 * approver is never the requester, never (with `authorCannotApprove`) the author of a shipped
 * commit, and (with `signed`) their approval carries an SSH signature that verifies against
 * the repository's allowed-signers file. Each approval that does not count says why.
 */
import type { EnvironmentConfig } from '../../../shared/config-schema'
import type { Promotion, PromotionApproval } from '../../../shared/promotion-models'
import type { RawApproval, RawPromotion } from './promotion-fold'

/** What a signature check answered for one approval. */
export type SignatureCheck = { readonly ok: true } | { readonly ok: false; readonly why: string }

/** The target environment's approval rules, with the defaults of an absent section. */
export function approvalRules(env: EnvironmentConfig | undefined): {
  readonly required: number
  readonly authorCannotApprove: boolean
  readonly signed: boolean
  readonly allowedSigners: string
} {
  const a = env?.approvals
  return {
    required: a?.required ?? 0,
    authorCannotApprove: a?.authorCannotApprove ?? false,
    signed: a?.signed ?? false,
    allowedSigners: a?.allowedSigners ?? '.slipway/allowed_signers'
  }
}

/** Why `by` may not approve `raw` at all (requester, author), or null. Signatures aside. */
export function refusalOf(
  raw: Pick<RawPromotion, 'requestedBy' | 'ships'>,
  email: string,
  authorCannotApprove: boolean
): string | null {
  const me = email.toLowerCase()
  if (raw.requestedBy.email.toLowerCase() === me) {
    return `${email} requested this promotion; the approval must come from someone else`
  }
  if (authorCannotApprove) {
    const own = raw.ships.commits.filter((c) => c.author.email.toLowerCase() === me)
    const first = own[0]
    if (first) {
      const more = own.length > 1 ? ` and ${own.length - 1} more` : ''
      return `${email} authored ${first.sha.slice(0, 7)} "${first.subject}"${more}, which ships; the approval must come from someone who authored none of the shipped commits`
    }
  }
  return null
}

/**
 * The promotion as the team sees it: each approval judged (`check` verifies one signature),
 * the count of valid ones, its state and what it still waits for.
 */
export async function judgePromotion(
  raw: RawPromotion,
  env: EnvironmentConfig | undefined,
  check: (approval: RawApproval) => Promise<SignatureCheck>
): Promise<Promotion> {
  const rules = approvalRules(env)
  const approvals: PromotionApproval[] = []
  for (const a of raw.approvals) {
    let why = refusalOf(raw, a.by.email, rules.authorCannotApprove)
    if (!why && rules.signed) {
      if (!a.signature) {
        why = `not signed: approvals of ${raw.to} must carry an SSH signature (approvals.signed)`
      } else {
        const verdict = await check(a)
        if (!verdict.ok) why = verdict.why
      }
    }
    approvals.push({ id: a.id, by: a.by, at: a.at, signed: a.signature !== null, valid: !why, why })
  }
  const approved = approvals.filter((a) => a.valid).length
  const missing = Math.max(0, rules.required - approved)
  const pending: string[] = []
  if (raw.outcome === null && missing > 0) {
    const who = rules.authorCannotApprove
      ? 'someone who neither requested it nor authored a shipped commit'
      : 'someone other than the requester'
    pending.push(
      `approvals: ${missing} more ${missing === 1 ? 'approval' : 'approvals'} needed (${approved} of ${rules.required}) from ${who}${rules.signed ? ', signed with their SSH key' : ''}`
    )
  }
  return {
    id: raw.id,
    release: raw.release,
    sha256: raw.sha256,
    commit: raw.commit,
    from: raw.from,
    to: raw.to,
    requestedBy: raw.requestedBy,
    requestedAt: raw.requestedAt,
    reason: raw.reason,
    ships: raw.ships,
    approvals,
    required: rules.required,
    approved,
    state: raw.outcome ? 'ended' : missing > 0 ? 'pending' : 'approved',
    pending,
    outcome: raw.outcome
  }
}
