import type { EnvironmentConfig } from '../../../shared/config-schema'
import type { EnvironmentStatus, FreezeOverride, HostStatus } from '../../../shared/deploy-models'
import { healthOnce } from './activation'
import { freezeAt } from './deploy-gates'
import { closeHosts, connectFailure, connectHosts } from './connect-hosts'
import { DEFAULT_LOCK_STALE_AFTER_MS, parseLock } from './host-lock'
import { readHostSnapshot } from './host-read'
import { endedDeploymentIds, leftoverLock } from './leftover-locks'
import { readLocalBadReasons, readLocalBadReleases } from './local-records'
import { errorMessage } from './remote'
import type { DeployContext } from './types'

/**
 * Reads what is really on each host of `env`, in parallel: reachable, current and previous
 * release, releases present, health (checked once, short timeout), lock (stale when its
 * heartbeat is older than `lockStaleAfterMs`); drift when the reachable hosts differ.
 */
export async function readEnvironmentStatus(
  env: EnvironmentConfig,
  ctx: DeployContext
): Promise<EnvironmentStatus> {
  const staleAfterMs = ctx.lockStaleAfterMs ?? DEFAULT_LOCK_STALE_AFTER_MS
  const hosts = await connectHosts(env, ctx.transport)
  const ended = await endedDeploymentIds(ctx.dataDir)
  const bad = new Set(await readLocalBadReleases(ctx.dataDir, env.name))
  const badReasons = await readLocalBadReasons(ctx.dataDir, env.name)
  const overrides: FreezeOverride[] = []
  // A lock left by a deployment this machine saw end holds nothing: stale at once.
  const readLock = (text: string): HostStatus['lock'] => {
    const lock = parseLock(text, staleAfterMs)
    return lock && leftoverLock(text, ended) ? { ...lock, stale: true } : lock
  }
  try {
    const statuses = await Promise.all(
      hosts.map(async (h): Promise<HostStatus> => {
        const unreachable = (error: string): HostStatus => ({
          host: h.label,
          reachable: false,
          error,
          release: null,
          previous: null,
          releases: [],
          health: { kind: 'unknown', release: null, detail: 'host not reachable' },
          healthy: false,
          lock: null
        })
        if (h.kind === 'failed') return unreachable(connectFailure(h))
        try {
          const snap = await readHostSnapshot(h.transport)
          snap.badReleases.forEach((id) => bad.add(id))
          if (snap.freezeOverride) overrides.push(snap.freezeOverride)
          const health =
            snap.current === null
              ? { kind: 'unknown' as const, release: null, detail: 'nothing deployed' }
              : await healthOnce({ transport: h.transport, config: h.config, env }, snap.current)
          return {
            host: h.label,
            reachable: true,
            error: null,
            release: snap.current,
            previous: snap.previous,
            releases: [...snap.releases].reverse(),
            health,
            healthy: health.kind === 'healthy',
            lock: readLock(snap.lockText)
          }
        } catch (error) {
          return unreachable(errorMessage(error))
        }
      })
    )
    const running = new Set(statuses.filter((s) => s.reachable).map((s) => s.release))
    const now = Date.now()
    const override =
      overrides
        .filter((o) => Date.parse(o.freeze.endsAt) > now)
        .sort((a, b) => b.at.localeCompare(a.at))[0] ?? null
    return {
      environment: env.name,
      hosts: statuses,
      drift: running.size > 1,
      badReleases: [...bad].sort().reverse(),
      badReasons,
      freeze: freezeAt(env, now),
      freezeOverride: override,
      readAt: new Date().toISOString()
    }
  } finally {
    await closeHosts(hosts)
  }
}
