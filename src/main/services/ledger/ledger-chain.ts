/**
 * Reads the ledger's chain of commits and checks every link: each commit decodes as an
 * operation, its clock is above its parents', it is a `ledger.<kind>` entry whose JSON passes
 * that kind's schema (or a merge of two concurrent histories), and no parent is missing.
 * Entries come back in the ledger's one order (Lamport clock, then commit id), numbered from 1.
 */
import { createHash } from 'node:crypto'
import {
  LedgerEntrySchema,
  type LedgerEntry,
  type LedgerFinding,
  type LedgerRecord
} from '../../../shared/ledger-models'
import { compareOps, type Operation, type TeamStateStore } from '../team-state'

/** The entity path of the ledger: the ref is `refs/slipway/ledger`. */
export const LEDGER_PATH = 'ledger'

/** The operation type of an entry kind (`ledger.deployment`). */
export function entryType(kind: LedgerEntry['kind']): string {
  return `ledger.${kind}`
}

/** What reading the chain found: valid entries in order, and every broken link. */
export interface ChainRead {
  readonly tip: string | null
  readonly records: readonly LedgerRecord[]
  readonly findings: readonly LedgerFinding[]
}

const MERGE = 'merge'

/** Reads the chain under `tip` (null: no ledger yet) from `store`. */
export async function readChain(store: TeamStateStore, tip: string | null): Promise<ChainRead> {
  if (!tip) return { tip, records: [], findings: [] }
  const findings: LedgerFinding[] = []
  const failed = await store.load([tip])
  const why = failed.get(tip)
  if (why) {
    findings.push({
      kind: 'bad-entry',
      position: null,
      commit: tip,
      reason: `the ledger cannot be read: ${why}`
    })
    return { tip, records: [], findings }
  }
  const entries: Array<{ op: Operation; entry: LedgerEntry }> = []
  const bad: Array<{ commit: string; reason: string; child: string | null }> = []
  const seen = new Set<string>([tip])
  const stack: Array<{ sha: string; child: string | null }> = [{ sha: tip, child: null }]
  while (stack.length > 0) {
    const { sha, child } = stack.pop() as { sha: string; child: string | null }
    const commit = store.commits.get(sha)
    if (!commit) {
      bad.push({
        commit: sha,
        reason: 'the commit is missing (history cut or objects lost)',
        child
      })
      continue
    }
    if ('reason' in commit) {
      bad.push({ commit: sha, reason: commit.reason, child })
      continue
    }
    for (const parent of commit.parents) {
      const p = store.commits.get(parent)
      if (p && !('reason' in p) && p.clock >= commit.clock) {
        bad.push({
          commit: sha,
          reason: `its clock (${commit.clock}) is not above its parent's (${p.clock}): the order was edited`,
          child
        })
      }
      if (!seen.has(parent)) {
        seen.add(parent)
        stack.push({ sha: parent, child: sha })
      }
    }
    if (commit.type === MERGE) continue
    const checked = checkEntry(commit)
    if (typeof checked === 'string') bad.push({ commit: sha, reason: checked, child })
    else entries.push({ op: commit, entry: checked })
  }
  entries.sort((a, b) => compareOps(a.op, b.op))
  const records: LedgerRecord[] = entries.map(({ op, entry }, i) => ({
    position: i + 1,
    commit: op.sha,
    author: { name: op.author.name, email: op.author.email },
    entry
  }))
  const positionOf = new Map(records.map((r) => [r.commit, r.position]))
  for (const b of bad) {
    // A broken commit has no trustworthy clock: it sits just before the entry that points at it.
    const after = b.child ? positionOf.get(b.child) : undefined
    findings.push({
      kind: 'bad-entry',
      position: positionOf.get(b.commit) ?? after ?? null,
      commit: b.commit,
      reason: b.reason
    })
  }
  findings.push(...duplicates(records))
  return { tip, records, findings }
}

/** The entry of an operation commit, or why it is not a valid one. */
function checkEntry(op: Operation): LedgerEntry | string {
  if (!op.type.startsWith('ledger.')) return `not a ledger entry (type ${op.type})`
  const parsed = LedgerEntrySchema.safeParse(op.data)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : ''
    return `the entry does not match its schema (${where}${issue?.message ?? 'invalid'})`
  }
  if (entryType(parsed.data.kind) !== op.type) {
    return `the entry says ${parsed.data.kind} but its commit says ${op.type}`
  }
  return parsed.data
}

/** Two entries with one id and different content: one of them is a rewritten copy. */
function duplicates(records: readonly LedgerRecord[]): LedgerFinding[] {
  const first = new Map<string, LedgerRecord>()
  const out: LedgerFinding[] = []
  for (const r of records) {
    const earlier = first.get(r.entry.id)
    if (!earlier) {
      first.set(r.entry.id, r)
      continue
    }
    if (entryDigest(earlier) === entryDigest(r)) continue
    out.push({
      kind: 'entry-rewritten',
      position: r.position,
      id: r.entry.id,
      was: `#${earlier.position} ${describeEntry(earlier.entry)}`,
      now: describeEntry(r.entry)
    })
  }
  return out
}

/** A digest of what an entry says and who wrote it (not of the commit, which a rebase changes). */
export function entryDigest(record: Pick<LedgerRecord, 'entry' | 'author'>): string {
  return createHash('sha256')
    .update(canonical({ entry: record.entry, author: record.author }))
    .digest('hex')
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value && typeof value === 'object') {
    const keys = Object.keys(value).sort()
    const obj = value as Record<string, unknown>
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(obj[k])}`).join(',')}}`
  }
  return JSON.stringify(value)
}

/** One line for people: what the entry says. */
export function describeEntry(e: LedgerEntry): string {
  const env = e.environment ? ` ${e.environment}` : ''
  switch (e.kind) {
    case 'release':
      return `release ${e.release} built by ${e.by} from ${e.commit.slice(0, 7)}`
    case 'deployment':
    case 'rollback': {
      const what = e.kind === 'rollback' ? 'rollback of' : 'deployment of'
      const end = e.phase === 'started' ? 'started' : (e.outcome ?? 'finished')
      return `${what} ${e.release} to${env} ${end} (${e.by}, ${e.deployment})`
    }
    case 'promotion':
      return `promotion of ${e.release} from ${e.from} to${env}: ${e.state} (${e.by})`
    case 'approval':
      return `approval of ${e.release} to${env} by ${e.by}${e.signature ? ' (signed)' : ''}`
    case 'override':
      return `${e.rule} overridden on${env} by ${e.by}: ${e.reason}`
    case 'lock':
      return `lock on${env} (${e.hosts.length} hosts) taken by ${e.by} for ${e.deployment}`
    case 'lock-break':
      return `lock on${env} held by ${e.holder} broken by ${e.by}: ${e.reason}`
  }
}
