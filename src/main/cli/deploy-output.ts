import type { Deployment, EnvironmentStatus, HostDeployState } from '../../shared/deploy-models'
import { describeTransfer } from '../../shared/transfer-text'

/** One row of `slipway status --json`: what is really on one host. */
export interface StatusRow {
  readonly host: string
  readonly reachable: boolean
  readonly release: string | null
  readonly previous: string | null
  readonly healthy: boolean
  readonly health: string
  readonly lock: {
    readonly holder: string
    readonly machine: string
    readonly reason: string
    readonly since: string
    readonly stale: boolean
    /** Why its Slipway (on this machine) is known to be gone; absent when not known. */
    readonly holderGone?: string
    /** A reason to break it with, when its holder is known gone. */
    readonly suggestedReason?: string
  } | null
  readonly releases: readonly string[]
  readonly error: string | null
}

/** The per-host rows of `slipway status --json`. */
export function statusRows(status: EnvironmentStatus): StatusRow[] {
  return status.hosts.map((h) => ({
    host: h.host,
    reachable: h.reachable,
    release: h.release,
    previous: h.previous,
    healthy: h.healthy,
    health: h.health.kind,
    lock: h.lock
      ? {
          holder: h.lock.holder,
          machine: h.lock.machine,
          reason: h.lock.reason,
          since: h.lock.since,
          stale: h.lock.stale,
          ...(h.lock.holderGone ? { holderGone: h.lock.holderGone } : {}),
          ...(h.lock.suggestedReason ? { suggestedReason: h.lock.suggestedReason } : {})
        }
      : null,
    releases: h.releases,
    error: h.error
  }))
}

function lockState(lock: { stale: boolean; holderGone?: string }): string {
  if (lock.holderGone) return ` (stale: ${lock.holderGone})`
  return lock.stale ? ' (stale)' : ''
}

/** `slipway status` for a terminal: one aligned line per host, then drift and bad releases. */
export function formatStatus(status: EnvironmentStatus): string {
  const rows = [
    ['HOST', 'RELEASE', 'HEALTH', 'LOCK'],
    ...status.hosts.map((h) => [
      h.host,
      h.release ?? '-',
      h.reachable ? h.health.kind : `unreachable: ${h.error ?? ''}`,
      h.lock ? `${h.lock.holder} since ${h.lock.since}${lockState(h.lock)}` : '-'
    ])
  ]
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? []
  const lines = rows.map((r) =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd()
  )
  if (status.drift) lines.push('drift: the hosts do not all run the same release')
  if (status.badReleases.length > 0) lines.push(`marked bad: ${status.badReleases.join(', ')}`)
  if (status.freeze) {
    const f = status.freeze
    lines.push(
      `frozen by ${f.windows.map((w) => `'${w}'`).join(' and ')} until ${f.endsAtLocal} (${f.timeZone})`
    )
  }
  if (status.freezeOverride) {
    const o = status.freezeOverride
    lines.push(`freeze overridden by ${o.by} for ${o.release}: ${o.reason}`)
  }
  lines.push(`read at ${status.readAt}`)
  return lines.join('\n') + '\n'
}

/**
 * Turns the stream of whole Deployments into progress lines: one per step and state of each
 * host, upload percentages only every 25 %, then the summary when it ends.
 */
export function progressPrinter(print: (line: string) => void): (d: Deployment) => void {
  const seen = new Map<string, string>()
  const quarter = new Map<string, number>()
  const transfers = new Set<string>()
  let ended = false
  const hostLine = (h: HostDeployState): string | null => {
    const key = `${h.step}:${h.state}`
    if (h.step === 'upload' && h.state === 'running' && h.progress !== null) {
      const q = Math.floor(h.progress * 4)
      if (seen.get(h.host) === key && quarter.get(h.host) === q) return null
      seen.set(h.host, key)
      quarter.set(h.host, q)
      return `${h.host}: upload ${Math.round(h.progress * 100)}%`
    }
    if (seen.get(h.host) === key) return null
    seen.set(h.host, key)
    return `${h.host}: ${h.step} ${h.state.replace('-', ' ')}${h.message ? ` · ${h.message}` : ''}`
  }
  return (d) => {
    for (const h of d.hosts) {
      const line = hostLine(h)
      if (line) print(line)
      if (h.transfer && !transfers.has(h.host)) {
        transfers.add(h.host)
        print(`${h.host}: ${describeTransfer(h.transfer)}`)
      }
    }
    if (d.status !== 'running' && !ended) {
      ended = true
      print(`${d.kind} ${d.status.replace('-', ' ')}: ${d.summary}`)
    }
  }
}
