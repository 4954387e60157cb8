/**
 * The ledger entries a promotion writes: its request, each approval (with the signature and the
 * exact text it signs), each refusal with its reason, a withdrawal, and its outcome. Deployments
 * started by a promotion, and a freeze override that let one through, are recorded by the
 * deploy domain's recorder.
 */
import type { LedgerDraft, LedgerOutcome } from '../../../shared/ledger-models'
import type { Promotion, PromotionOutcome } from '../../../shared/promotion-models'
import type { Person } from '../../../shared/ticket-models'

/** Appends one entry to the workspace's ledger; never rejects (failures are reported there). */
export type RecordEntry = (draft: LedgerDraft) => Promise<void>

type Named = Pick<Promotion, 'id' | 'release' | 'from' | 'to' | 'ships'>

/** A person as the ledger's `by`: their email, else their name. */
export function ledgerName(p: Person): string {
  return p.email || p.name || 'unknown'
}

/** A promotion entry: `state` says what happened, `reason` why (a refusal's words). */
export function promotionEntry(
  p: Named,
  by: Person,
  state: string,
  fields: { readonly outcome?: LedgerOutcome | null; readonly reason?: string | null } = {}
): LedgerDraft {
  return {
    kind: 'promotion',
    by: ledgerName(by),
    environment: p.to,
    tickets: p.ships.tickets.map((t) => t.key),
    promotion: p.id,
    release: p.release,
    from: p.from,
    state,
    outcome: fields.outcome ?? null,
    reason: fields.reason ? fields.reason.slice(0, 2_000) : null
  }
}

/** An approval entry; signed ones carry the signature, the text it signs and the commit. */
export function approvalEntry(
  p: Named & Pick<Promotion, 'commit'>,
  by: Person,
  signature: string | null,
  signedText: string | null
): LedgerDraft {
  return {
    kind: 'approval',
    by: ledgerName(by),
    environment: p.to,
    tickets: p.ships.tickets.map((t) => t.key),
    promotion: p.id,
    release: p.release,
    signature,
    signedText: signature ? signedText : null,
    commit: p.commit
  }
}

/** A promotion's outcome as the ledger's outcome (a refusal has none). */
export function ledgerOutcome(status: PromotionOutcome['status']): LedgerOutcome | null {
  return status === 'refused' ? null : status
}
