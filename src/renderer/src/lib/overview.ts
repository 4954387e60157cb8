import type { EnvironmentStatus, HostStatus, Release } from '../../../shared'

/**
 * Where a release stands in one environment, as its hosts were last read:
 * - `current`: every reachable host serves it;
 * - `drift`: some reachable hosts serve it, others serve something else (or nothing);
 * - `previous`: no host serves it, and it is the rollback target of at least one host;
 * - `kept`: still unpacked on at least one host, neither current nor previous;
 * - `absent`: on no host of the environment.
 */
export type OverviewCellState = 'current' | 'drift' | 'previous' | 'kept' | 'absent'

/** Health of the hosts serving a release: all healthy, one or more unhealthy, or not known. */
export type OverviewHealth = 'healthy' | 'unhealthy' | 'unknown'

/** One release in one environment. */
export interface OverviewCell {
  readonly environment: string
  readonly state: OverviewCellState
  /** Hosts whose `current` is this release. */
  readonly serving: readonly string[]
  /** Reachable hosts of the environment (what `serving` is counted against). */
  readonly reachable: number
  /** Of the serving hosts; null when none serves it. */
  readonly health: OverviewHealth | null
  /** Serving hosts whose health check did not pass. */
  readonly unhealthy: readonly string[]
  /** Hosts whose previous release (the rollback target) this is. */
  readonly previousOn: readonly string[]
  /** Hosts that still hold it unpacked (current and previous included). */
  readonly keptOn: readonly string[]
}

/** One row: a release found on some environment's hosts, with what Slipway knows of it. */
export interface OverviewRow {
  readonly id: string
  /** The release as `releases.list` describes it (tickets, subject), when this machine has it. */
  readonly release: Release | null
  readonly cells: readonly OverviewCell[]
}

/** One host of an environment and what it serves, for the per-host breakdown. */
export interface OverviewHost {
  readonly host: string
  readonly reachable: boolean
  readonly release: string | null
  readonly health: OverviewHealth
  /** Why it could not be read, when unreachable. */
  readonly error: string | null
}

/** One column: an environment and how its reading went. */
export interface OverviewColumn {
  readonly environment: string
  /** `unread`: no reading yet (and none in flight); `error`: the last reading failed. */
  readonly reading: 'unread' | 'loading' | 'read' | 'error'
  readonly error: string | null
  readonly hosts: readonly OverviewHost[]
  /** The reachable hosts do not all serve the same release. */
  readonly drift: boolean
  readonly readAt: string | null
}

/** The environment × release overview. */
export interface Overview {
  readonly columns: readonly OverviewColumn[]
  /** Newest release first. */
  readonly rows: readonly OverviewRow[]
}

/** An environment's reading as the deploy store keeps it (only what the overview needs). */
export interface OverviewReading {
  readonly status: EnvironmentStatus | null
  readonly loading: boolean
  readonly error: { readonly message: string } | null
}

function healthOf(host: HostStatus): OverviewHealth {
  return host.health.kind
}

function cellOf(id: string, environment: string, hosts: readonly HostStatus[]): OverviewCell {
  const reachable = hosts.filter((h) => h.reachable)
  const serving = reachable.filter((h) => h.release === id)
  const previousOn = reachable.filter((h) => h.previous === id).map((h) => h.host)
  const keptOn = reachable
    .filter((h) => h.release === id || h.previous === id || h.releases.includes(id))
    .map((h) => h.host)
  const unhealthy = serving.filter((h) => healthOf(h) === 'unhealthy').map((h) => h.host)
  const health: OverviewHealth | null =
    serving.length === 0
      ? null
      : unhealthy.length > 0
        ? 'unhealthy'
        : serving.every((h) => healthOf(h) === 'healthy')
          ? 'healthy'
          : 'unknown'
  const state: OverviewCellState =
    serving.length > 0
      ? serving.length === reachable.length
        ? 'current'
        : 'drift'
      : previousOn.length > 0
        ? 'previous'
        : keptOn.length > 0
          ? 'kept'
          : 'absent'
  return {
    environment,
    state,
    serving: serving.map((h) => h.host),
    reachable: reachable.length,
    health,
    unhealthy,
    previousOn,
    keptOn
  }
}

function columnOf(environment: string, reading: OverviewReading | undefined): OverviewColumn {
  const status = reading?.status ?? null
  const hosts = (status?.hosts ?? []).map((h): OverviewHost => ({
    host: h.host,
    reachable: h.reachable,
    release: h.reachable ? h.release : null,
    health: healthOf(h),
    error: h.error
  }))
  return {
    environment,
    reading: reading?.error
      ? 'error'
      : reading?.loading && !status
        ? 'loading'
        : status
          ? 'read'
          : 'unread',
    error: reading?.error?.message ?? null,
    hosts,
    drift: status?.drift ?? false,
    readAt: status?.readAt ?? null
  }
}

/**
 * Which release is on which environment, from the environments' host readings (the ones the
 * lanes show) and the releases this machine knows: one row per release present on any host
 * of any environment (current, previous or still unpacked), newest first (release ids begin
 * with their build time), one cell per environment in `environments` order.
 */
export function buildOverview(
  environments: readonly string[],
  readings: Readonly<Record<string, OverviewReading>>,
  releases: readonly Release[]
): Overview {
  const columns = environments.map((name) => columnOf(name, readings[name]))
  const hostsOf = new Map(environments.map((name) => [name, readings[name]?.status?.hosts ?? []]))
  const ids = new Set<string>()
  for (const hosts of hostsOf.values()) {
    for (const h of hosts) {
      if (!h.reachable) continue
      if (h.release) ids.add(h.release)
      if (h.previous) ids.add(h.previous)
      h.releases.forEach((id) => ids.add(id))
    }
  }
  const known = new Map(releases.map((r) => [r.id, r]))
  const rows = [...ids]
    .sort((a, b) => (a < b ? 1 : a > b ? -1 : 0))
    .map((id): OverviewRow => ({
      id,
      release: known.get(id) ?? null,
      cells: environments.map((name) => cellOf(id, name, hostsOf.get(name) ?? []))
    }))
  return { columns, rows }
}
