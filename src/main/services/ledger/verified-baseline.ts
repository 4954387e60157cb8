/**
 * What this clone last verified, kept outside the refs (`<git common dir>/slipway/
 * ledger-verified.json`), so a rewritten ledger cannot rewrite the memory of what it was: the
 * tip, when, and each entry's id, position, digest and one-line description. The next verify
 * compares the ledger against it: the old tip must still be in the history, and every entry
 * once seen must still be there with the same content.
 */
import { randomBytes } from 'node:crypto'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { LedgerFinding, LedgerRecord } from '../../../shared/ledger-models'
import { describeEntry, entryDigest } from './ledger-chain'

/** One entry as remembered. */
export interface BaselineEntry {
  readonly id: string
  readonly position: number
  readonly digest: string
  readonly summary: string
}

/** The ledger as this clone last verified it. */
export interface Baseline {
  readonly tip: string
  readonly at: string
  readonly entries: readonly BaselineEntry[]
}

/** Reads the baseline; null when this clone never verified (or the file is unreadable). */
export async function readBaseline(file: string): Promise<Baseline | null> {
  try {
    const value = JSON.parse(await readFile(file, 'utf8')) as Partial<Baseline>
    if (typeof value.tip !== 'string' || typeof value.at !== 'string') return null
    if (!Array.isArray(value.entries)) return null
    return { tip: value.tip, at: value.at, entries: value.entries }
  } catch {
    return null
  }
}

/** Writes the baseline atomically (a temporary file renamed over the old one). */
export async function writeBaseline(
  file: string,
  tip: string,
  records: readonly LedgerRecord[],
  at: Date
): Promise<void> {
  const baseline: Baseline = {
    tip,
    at: at.toISOString(),
    entries: records.map((r) => ({
      id: r.entry.id,
      position: r.position,
      digest: entryDigest(r),
      summary: describeEntry(r.entry)
    }))
  }
  await mkdir(dirname(file), { recursive: true })
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  await writeFile(tmp, JSON.stringify(baseline) + '\n')
  await rename(tmp, file)
}

/**
 * Compares the ledger now with the baseline: entries gone (by id) and entries whose content
 * changed (same id, other digest), each at its position. `stillContained` says whether the old
 * tip is still in the current history; when it is not, the rewrite itself is a finding.
 */
export function compareWithBaseline(
  baseline: Baseline,
  tip: string | null,
  records: readonly LedgerRecord[],
  stillContained: boolean
): LedgerFinding[] {
  const findings: LedgerFinding[] = []
  if (!stillContained) {
    findings.push({
      kind: 'rewritten-history',
      verifiedTip: baseline.tip,
      verifiedAt: baseline.at,
      tip
    })
  }
  const now = new Map<string, LedgerRecord[]>()
  for (const r of records) now.set(r.entry.id, [...(now.get(r.entry.id) ?? []), r])
  for (const old of baseline.entries) {
    const found = now.get(old.id)
    if (!found) {
      findings.push({
        kind: 'entry-disappeared',
        position: old.position,
        id: old.id,
        summary: old.summary
      })
      continue
    }
    // Duplicates of one id are reported by the chain check; here the original must survive.
    if (found.some((r) => entryDigest(r) === old.digest)) continue
    const changed = found[0] as LedgerRecord
    findings.push({
      kind: 'entry-rewritten',
      position: changed.position,
      id: old.id,
      was: `#${old.position} ${old.summary}`,
      now: describeEntry(changed.entry)
    })
  }
  return findings
}
