import type { EnvironmentConfig } from '../../../shared/config-schema'
import type { DeploymentHistory, DeploymentRecord } from '../../../shared/deploy-models'
import { closeHosts, connectFailure, connectHosts } from './connect-hosts'
import { readHostLog, type HostLogEntry } from './host-log'
import { errorMessage } from './remote'
import type { DeployContext } from './types'

/** Events that end a host's part in a deployment or rollback. */
const ENDS = new Set(['finished', 'failed', 'cancelled'])

/**
 * The deployments and rollbacks of `env`, newest first, read from every host's
 * `.slipway/deployments.jsonl` in parallel and merged by deployment id. A host that cannot be
 * reached or read is named in `unreadable`; the others still answer.
 */
export async function readDeploymentHistory(
  env: EnvironmentConfig,
  ctx: DeployContext,
  limit = 100
): Promise<DeploymentHistory> {
  const hosts = await connectHosts(env, ctx.transport)
  try {
    const unreadable: Array<{ host: string; error: string }> = []
    const logs = await Promise.all(
      hosts.map(async (h): Promise<{ host: string; entries: HostLogEntry[] }> => {
        if (h.kind === 'failed') {
          unreadable.push({ host: h.label, error: connectFailure(h) })
          return { host: h.label, entries: [] }
        }
        try {
          return { host: h.label, entries: await readHostLog(h.transport) }
        } catch (error) {
          unreadable.push({ host: h.label, error: errorMessage(error) })
          return { host: h.label, entries: [] }
        }
      })
    )
    return {
      environment: env.name,
      records: mergeHostLogs(env.name, logs).slice(0, limit),
      unreadable
    }
  } finally {
    await closeHosts(hosts)
  }
}

/** Merges hosts' log entries of `environment` into one record per deployment, newest first. */
export function mergeHostLogs(
  environment: string,
  logs: ReadonlyArray<{ readonly host: string; readonly entries: readonly HostLogEntry[] }>
): DeploymentRecord[] {
  const byId = new Map<string, { first: HostLogEntry; hosts: Map<string, HostLogEntry[]> }>()
  for (const { host, entries } of logs) {
    for (const e of entries) {
      if (e.environment !== environment || !e.deployment || e.event === 'lock-broken') continue
      const record = byId.get(e.deployment) ?? { first: e, hosts: new Map() }
      if (e.at < record.first.at) record.first = e
      const list = record.hosts.get(host) ?? []
      list.push(e)
      record.hosts.set(host, list)
      byId.set(e.deployment, record)
    }
  }
  const records = [...byId.entries()].map(([id, { first, hosts }]): DeploymentRecord => {
    const parts = [...hosts.entries()].map(([host, entries]) => {
      const sorted = [...entries].sort((a, b) => a.at.localeCompare(b.at))
      const last = sorted[sorted.length - 1] ?? first
      const end = [...sorted].reverse().find((e) => ENDS.has(e.event)) ?? null
      const release = sorted.find((e) => e.release)?.release ?? null
      const transfer = [...sorted].reverse().find((e) => e.transfer)?.transfer ?? null
      const started = sorted.find((e) => e.event === 'started') ?? null
      return { host, last, end, release, transfer, started }
    })
    const ends = parts.map((p) => p.end)
    const outcome: DeploymentRecord['outcome'] = ends.some((e) => e === null)
      ? 'unfinished'
      : ends.some((e) => e?.event === 'failed')
        ? 'failed'
        : ends.some((e) => e?.event === 'cancelled')
          ? 'cancelled'
          : 'finished'
    const finishedAt =
      outcome === 'unfinished'
        ? null
        : ends.map((e) => e?.at ?? '').reduce((a, b) => (a > b ? a : b), '')
    return {
      id,
      kind: first.kind ?? 'deploy',
      environment,
      release: first.release ?? parts.find((p) => p.release)?.release ?? null,
      from: first.from ?? null,
      by: first.by,
      machine: first.machine ?? null,
      reason:
        parts.map((p) => p.started?.reason).find((r): r is string => typeof r === 'string') ?? null,
      startedAt: first.at,
      finishedAt,
      outcome,
      hosts: parts
        .map((p) => ({
          host: p.host,
          last: p.last.event,
          detail: p.last.detail ?? null,
          ...(p.transfer ? { transfer: p.transfer } : {})
        }))
        .sort((a, b) => a.host.localeCompare(b.host))
    }
  })
  return records.sort((a, b) => b.startedAt.localeCompare(a.startedAt) || b.id.localeCompare(a.id))
}
