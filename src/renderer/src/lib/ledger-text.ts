import type { LedgerEntry, LedgerFinding, LedgerVerifyReport } from '../../../shared/ledger-models'
// Values come from errors.ts directly so the renderer bundle does not pull in zod.
import { assertNever } from '../../../shared/errors'
import { plural } from './format'

/** What one ledger entry records, in a sentence without its time and author. */
export function describeLedgerEntry(e: LedgerEntry): string {
  const on = e.environment ? ` ${e.environment}` : ''
  switch (e.kind) {
    case 'release':
      return `Built release ${e.release} from ${e.commit.slice(0, 8)}${e.previous ? ` (after ${e.previous})` : ''}`
    case 'deployment':
    case 'rollback': {
      const what = e.kind === 'rollback' ? 'Rollback to' : 'Deployment of'
      const phase = e.phase === 'started' ? 'started' : `ended: ${e.outcome ?? 'unknown'}`
      return `${what} ${e.release} on${on} ${phase}`
    }
    case 'promotion':
      return `Promotion of ${e.release} from ${e.from} to${on}: ${e.state}`
    case 'approval':
      return `Approved ${e.release} for${on}${e.signature ? ' (signed)' : ''}`
    case 'override':
      return `Overrode the ${e.rule}${e.window ? ` (${e.window})` : ''} on${on}${e.release ? ` for ${e.release}` : ''}`
    case 'lock':
      return `Locked${on} (${plural(e.hosts.length, 'host')}) for ${e.deployment}`
    case 'lock-break':
      return `Broke the lock on${on} held by ${e.holder}`
    default:
      return assertNever(e)
  }
}

/** The entry's outcome (deployments, rollbacks, promotions), or null for the others. */
export function ledgerOutcome(e: LedgerEntry): string | null {
  switch (e.kind) {
    case 'deployment':
    case 'rollback':
      return e.phase === 'started' ? 'started' : (e.outcome ?? 'unknown')
    case 'promotion':
      return e.outcome
    default:
      return null
  }
}

/** The reason or summary shown under an entry, when it has one. */
export function ledgerDetail(e: LedgerEntry): string | null {
  switch (e.kind) {
    case 'deployment':
    case 'rollback':
      return e.phase === 'finished' ? e.summary || e.reason : e.reason
    case 'promotion':
    case 'lock':
      return e.reason
    case 'override':
    case 'lock-break':
      return e.reason
    case 'release':
    case 'approval':
      return null
    default:
      return assertNever(e)
  }
}

/** The hosts an entry names (deployments, rollbacks, locks, lock breaks), else an empty list. */
export function ledgerHosts(e: LedgerEntry): readonly string[] {
  switch (e.kind) {
    case 'deployment':
    case 'rollback':
    case 'lock':
    case 'lock-break':
      return e.hosts
    default:
      return []
  }
}

/** One thing verify found wrong, in words. */
export function describeFinding(f: LedgerFinding): string {
  switch (f.kind) {
    case 'bad-entry':
      return `${f.position === null ? 'A commit' : `Entry #${f.position}`} (${f.commit.slice(0, 8)}) is not a valid entry: ${f.reason}`
    case 'rewritten-history':
      return `History was rewritten: the tip verified ${f.verifiedAt} (${f.verifiedTip.slice(0, 8)}) is no longer in the ledger${f.tip ? `, which now ends at ${f.tip.slice(0, 8)}` : ', which is now empty'}.`
    case 'entry-disappeared':
      return `Entry #${f.position} disappeared: ${f.summary}`
    case 'entry-rewritten':
      return `Entry #${f.position} was rewritten: it was “${f.was}”, it is now “${f.now}”`
    case 'host-mismatch':
      return `Entry #${f.position}: the hosts of ${f.environment} do not confirm ${f.deployment}: ${f.reason}`
    default:
      return describeOtherFinding(f)
  }
}

/**
 * A finding of a kind this renderer does not know yet (a newer backend's check): its position
 * and reason as the backend wrote them, never dropped.
 */
function describeOtherFinding(f: never): string {
  const loose = f as { kind?: unknown; position?: unknown; reason?: unknown }
  const where = typeof loose.position === 'number' ? `Entry #${loose.position}` : 'The ledger'
  const why = typeof loose.reason === 'string' ? `: ${loose.reason}` : ''
  return `${where}: ${String(loose.kind)}${why}`
}

/** The headline of a verify report: whether the ledger can be trusted, and how much was checked. */
export function verifyHeadline(r: LedgerVerifyReport): string {
  if (r.entries === 0 && r.ok) return 'The ledger is empty: nothing to verify yet.'
  const checked = `${plural(r.entries, 'entry', 'entries')} in an unbroken chain`
  const hosts =
    r.hosts.checked > 0
      ? `, ${plural(r.hosts.checked, 'deployment')} confirmed by the hosts' own logs`
      : ''
  if (r.ok) return `Verified: ${checked}${hosts}.`
  return `Verification failed: ${plural(r.findings.length, 'problem')} found in ${plural(r.entries, 'entry', 'entries')}.`
}

/** What else a report says: hosts not read, deployments before the ledger, the baseline. */
export function verifyNotes(r: LedgerVerifyReport): string[] {
  const notes: string[] = []
  for (const u of r.hosts.unreadable) {
    notes.push(
      `${u.host} (${u.environment}) could not be read, so its deployments were not compared: ${u.error}`
    )
  }
  if (r.hosts.unrecorded.length > 0) {
    notes.push(
      `${plural(r.hosts.unrecorded.length, 'deployment')} in the hosts' logs ${r.hosts.unrecorded.length === 1 ? 'is' : 'are'} not in the ledger (made before it, or by a Slipway that did not record): ${r.hosts.unrecorded
        .slice(0, 5)
        .map((u) => `${u.deployment} on ${u.environment}`)
        .join(', ')}${r.hosts.unrecorded.length > 5 ? ', …' : ''}.`
    )
  }
  if (!r.ok && !r.remembered) {
    notes.push(
      'This clone keeps the ledger it verified last as its baseline until the problems are dealt with; `slipway ledger verify --accept` takes the ledger as it is now.'
    )
  }
  return notes
}
