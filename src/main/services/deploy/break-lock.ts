import { hostname } from 'node:os'
import type { EnvironmentConfig } from '../../../shared/config-schema'
import { ExpectedError } from '../errors'
import { shellQuote } from '../transport'
import { closeHosts, connectFailure, connectHosts } from './connect-hosts'
import { DEFAULT_LOCK_STALE_AFTER_MS, describeLock, lockDeploymentId, parseLock } from './host-lock'
import { appendHostLog } from './host-log'
import { readHostSnapshot } from './host-read'
import { execChecked, hostPaths } from './remote'
import type { BrokenLock, DeployContext } from './types'

/**
 * Breaks a stale lock of `env` on every host that has one, with a required reason written to
 * each host's log, and answers the locks it broke. Refuses (ExpectedError 'locked') while any
 * lock is still alive, and ('unreachable') when a host cannot be read, breaking nothing then.
 */
export async function breakLock(
  env: EnvironmentConfig,
  ctx: DeployContext,
  reason: string
): Promise<BrokenLock[]> {
  if (reason.trim() === '') {
    throw new ExpectedError('bad-request', 'breaking a lock needs a reason', {
      environment: env.name
    })
  }
  const staleAfterMs = ctx.lockStaleAfterMs ?? DEFAULT_LOCK_STALE_AFTER_MS
  const hosts = await connectHosts(env, ctx.transport)
  try {
    const failed = hosts.find((h) => h.kind === 'failed')
    if (failed && failed.kind === 'failed') {
      throw new ExpectedError(
        'unreachable',
        `cannot break the lock: ${failed.label} is not reachable (${connectFailure(failed)})`,
        {
          host: failed.label
        }
      )
    }
    const read = await Promise.all(
      hosts.map(async (h) => {
        if (h.kind !== 'connected') throw new Error('unreachable host after the check')
        const snap = await readHostSnapshot(h.transport)
        return { h, text: snap.lockText, lock: parseLock(snap.lockText, staleAfterMs) }
      })
    )
    const alive = read.find((r) => r.lock !== null && !r.lock.stale)
    if (alive?.lock) {
      throw new ExpectedError(
        'locked',
        `${alive.h.label}: the lock is not stale: ${describeLock(alive.lock)}`,
        {
          host: alive.h.label,
          lock: alive.lock
        }
      )
    }
    const broken: BrokenLock[] = []
    await Promise.all(
      read
        .filter((r) => r.lock !== null)
        .map(async ({ h, text, lock }) => {
          if (h.kind !== 'connected' || lock === null) return
          const p = hostPaths(h.transport.basePath)
          // Remove only the lock that was read: a new holder's lock is never broken by mistake.
          await execChecked(
            h.transport,
            'break lock',
            `if [ "$(cat -- ${p.lock} 2>/dev/null)" = ${shellQuote(text)} ]; then rm -f -- ${p.lock}; else echo 'the lock changed' >&2; exit 3; fi`
          )
          await appendHostLog(h.transport, {
            at: new Date().toISOString(),
            event: 'lock-broken',
            deployment: lockDeploymentId(text) ?? '',
            environment: env.name,
            by: ctx.actor,
            machine: hostname(),
            detail: reason,
            lock: {
              holder: lock.holder,
              machine: lock.machine,
              since: lock.since,
              reason: lock.reason
            }
          })
          broken.push({ host: h.label, ...pick(lock) })
        })
    )
    return broken
  } finally {
    await closeHosts(hosts)
  }
}

/** The fields of a lock the ledger keeps. */
function pick(lock: { holder: string; machine: string; since: string; reason: string }) {
  return { holder: lock.holder, machine: lock.machine, since: lock.since, reason: lock.reason }
}
