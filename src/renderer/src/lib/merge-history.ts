import type { DeploymentRecord } from '../../../shared/deploy-models'
import type { LedgerOutcome, LedgerRecord } from '../../../shared/ledger-models'

/** One deployment or rollback as the ledger recorded it (its start and end entries folded). */
export interface LedgerMovement {
  readonly id: string
  readonly kind: 'deploy' | 'rollback'
  readonly release: string
  readonly by: string
  readonly startedAt: string
  readonly finishedAt: string | null
  /** Null while the ledger holds only its start. */
  readonly outcome: LedgerOutcome | null
  readonly reason: string | null
  readonly summary: string | null
  readonly hosts: readonly string[]
  /** The ledger positions of its entries, oldest first. */
  readonly positions: readonly number[]
}

/** Where a row of the history comes from. */
export type HistorySource = 'both' | 'hosts-only' | 'ledger-only' | 'not-compared'

/** One row of the merged history: the hosts' record, the ledger's, or both. */
export interface MergedHistoryRow {
  readonly id: string
  readonly source: HistorySource
  readonly record: DeploymentRecord | null
  readonly ledger: LedgerMovement | null
  /** Where the ledger and the hosts disagree about how it ended, in words; else null. */
  readonly disagreement: string | null
  /** When it started, for ordering (newest first). */
  readonly startedAt: string
}

const HOST_WORD: Record<DeploymentRecord['outcome'], string> = {
  finished: 'succeeded',
  failed: 'failed',
  cancelled: 'cancelled',
  unfinished: 'unfinished'
}

/** Folds the ledger's deployment and rollback entries into one movement per deployment id. */
export function ledgerMovements(records: readonly LedgerRecord[]): LedgerMovement[] {
  const byId = new Map<string, LedgerMovement>()
  // Oldest first, so a later entry (the end) completes an earlier one (the start).
  for (const r of [...records].sort((a, b) => a.position - b.position)) {
    const e = r.entry
    if (e.kind !== 'deployment' && e.kind !== 'rollback') continue
    const seen = byId.get(e.deployment)
    const base: LedgerMovement = seen ?? {
      id: e.deployment,
      kind: e.kind === 'rollback' ? 'rollback' : 'deploy',
      release: e.release,
      by: e.by,
      startedAt: e.at,
      finishedAt: null,
      outcome: null,
      reason: e.reason,
      summary: null,
      hosts: e.hosts,
      positions: []
    }
    byId.set(
      e.deployment,
      e.phase === 'finished'
        ? {
            ...base,
            finishedAt: e.at,
            outcome: e.outcome,
            summary: e.summary,
            hosts: e.hosts.length > 0 ? e.hosts : base.hosts,
            positions: [...base.positions, r.position]
          }
        : { ...base, startedAt: e.at, positions: [...base.positions, r.position] }
    )
  }
  return [...byId.values()]
}

/** How the ledger and the hosts disagree about one deployment's end, or null. */
function disagreement(record: DeploymentRecord, ledger: LedgerMovement): string | null {
  const hosts = HOST_WORD[record.outcome]
  if (ledger.outcome === null) {
    return record.outcome === 'unfinished'
      ? null
      : `The ledger records its start but not its end; the hosts' logs say ${hosts}.`
  }
  const ledgerOk = ledger.outcome === 'succeeded'
  const hostsOk = record.outcome === 'finished'
  if (ledgerOk === hostsOk) return null
  return `The ledger says ${ledger.outcome}; the hosts' logs say ${hosts}.`
}

/**
 * The environment's history as both sources know it, newest first: each deployment the hosts
 * logged, matched by id with the ledger's entries for it; what only one side has is kept and
 * marked, never hidden. A side read only partly (`complete` false: it hit its limit) does not
 * judge rows older than the oldest thing it returned: those are `not-compared`.
 */
export function mergeHistory(
  hostRecords: readonly DeploymentRecord[],
  ledger: readonly LedgerMovement[] | null,
  complete: { readonly hosts: boolean; readonly ledger: boolean }
): MergedHistoryRow[] {
  const fromLedger = new Map((ledger ?? []).map((m) => [m.id, m]))
  const oldest = (times: readonly string[]): string | null =>
    times.length === 0 ? null : times.reduce((a, b) => (a < b ? a : b))
  const ledgerFrom = complete.ledger ? null : oldest((ledger ?? []).map((m) => m.startedAt))
  const hostsFrom = complete.hosts ? null : oldest(hostRecords.map((r) => r.startedAt))
  const rows: MergedHistoryRow[] = hostRecords.map((record) => {
    const match = fromLedger.get(record.id) ?? null
    fromLedger.delete(record.id)
    const beyond = ledger === null || (ledgerFrom !== null && record.startedAt < ledgerFrom)
    return {
      id: record.id,
      source: match ? 'both' : beyond ? 'not-compared' : 'hosts-only',
      record,
      ledger: match,
      disagreement: match ? disagreement(record, match) : null,
      startedAt: record.startedAt
    }
  })
  for (const m of fromLedger.values()) {
    // Older than the hosts' logs that were read: not shown, as the hosts' own older ones are not.
    if (hostsFrom !== null && m.startedAt < hostsFrom) continue
    rows.push({
      id: m.id,
      source: 'ledger-only',
      record: null,
      ledger: m,
      disagreement: null,
      startedAt: m.startedAt
    })
  }
  return rows.sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : 0))
}
