/**
 * Checks the deployments and rollbacks the ledger records against what the hosts themselves
 * logged (`.slipway/deployments.jsonl`, merged by `deployments.history`): a deployment the
 * ledger says succeeded must be logged as finished by every host it names that can be read,
 * with the same release; one the ledger says did not succeed must not be logged as finished.
 * Hosts that cannot be read are listed, never counted as agreeing.
 */
import type { DeploymentHistory, DeploymentRecord } from '../../../shared/deploy-models'
import type { LedgerFinding, LedgerRecord, LedgerVerifyReport } from '../../../shared/ledger-models'

/** Reads one environment's merged host logs. */
export type ReadHostHistory = (environment: string) => Promise<DeploymentHistory>

type Movement = Extract<LedgerRecord['entry'], { kind: 'deployment' | 'rollback' }>

/**
 * Compares every recorded deployment of the environments in `environments` (those of
 * slipway.yml) with its hosts' logs.
 */
export async function checkHosts(
  records: readonly LedgerRecord[],
  environments: readonly string[],
  read: ReadHostHistory
): Promise<{ findings: LedgerFinding[]; report: LedgerVerifyReport['hosts'] }> {
  // The last word per deployment: its `finished` entry when there is one, else its start.
  const latest = new Map<string, { record: LedgerRecord; entry: Movement }>()
  for (const r of records) {
    const e = r.entry
    if (e.kind !== 'deployment' && e.kind !== 'rollback') continue
    const prev = latest.get(e.deployment)
    if (!prev || prev.entry.phase === 'started') latest.set(e.deployment, { record: r, entry: e })
  }
  const findings: LedgerFinding[] = []
  const report: LedgerVerifyReport['hosts'] = { checked: 0, unreadable: [], unrecorded: [] }
  const wanted = new Set(environments)
  const byEnv = new Map<string, Array<{ record: LedgerRecord; entry: Movement }>>()
  for (const item of latest.values()) {
    const env = item.entry.environment
    if (!env || !wanted.has(env)) continue
    byEnv.set(env, [...(byEnv.get(env) ?? []), item])
  }
  for (const env of environments) {
    const items = byEnv.get(env) ?? []
    let history: DeploymentHistory
    try {
      history = await read(env)
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err)
      report.unreadable.push({ environment: env, host: '*', error })
      continue
    }
    const unreadable = new Set(history.unreadable.map((u) => u.host))
    for (const u of history.unreadable) report.unreadable.push({ environment: env, ...u })
    const logged = new Map(history.records.map((r) => [r.id, r]))
    for (const { record, entry } of items) {
      const readable = entry.hosts.filter((h) => !unreadable.has(h))
      if (readable.length === 0) continue
      report.checked += 1
      const reason = disagreement(entry, logged.get(entry.deployment), readable)
      if (reason) {
        findings.push({
          kind: 'host-mismatch',
          position: record.position,
          environment: env,
          deployment: entry.deployment,
          reason
        })
      }
    }
    for (const r of history.records) {
      if (!latest.has(r.id)) report.unrecorded.push({ environment: env, deployment: r.id })
    }
  }
  return { findings, report }
}

/** Why the hosts' log disagrees with the ledger's last word on a deployment, or null. */
function disagreement(
  entry: Movement,
  logged: DeploymentRecord | undefined,
  readable: readonly string[]
): string | null {
  if (entry.phase === 'started') {
    // A start with no end recorded (Slipway stopped): the hosts must at least know of it,
    // unless it never got past the preflight, which touches no host's log.
    return null
  }
  if (entry.outcome === 'succeeded') {
    if (!logged) return `recorded as succeeded, but no host logged ${entry.deployment}`
    if (logged.release !== entry.release) {
      return `recorded as ${entry.release}, the hosts logged ${logged.release ?? 'no release'}`
    }
    const missing = readable.filter((h) => !logged.hosts.some((x) => x.host === h))
    if (missing.length > 0)
      return `recorded as succeeded on ${missing.join(', ')}, which logged nothing of it`
    const unfinished = logged.hosts.filter(
      (h) => readable.includes(h.host) && h.last !== 'finished'
    )
    if (unfinished.length > 0) {
      return `recorded as succeeded, but ${unfinished.map((h) => `${h.host} logged ${h.last}`).join(', ')}`
    }
    return null
  }
  if (logged && logged.outcome === 'finished') {
    return `recorded as ${entry.outcome ?? 'not finished'}, but every host logged it as finished`
  }
  return null
}
