import type { Transport } from '../transport'
import type { DeploymentTracker } from './deployment-tracker'
import {
  acquireHostLock,
  heartbeatHostLock,
  newLockRecord,
  releaseHostLock,
  type LockRecord
} from './host-lock'
import { errorMessage } from './remote'

/** Locks held on a set of hosts for one operation, kept alive by a heartbeat. */
export interface LockSession {
  /** Stops the heartbeat and removes the locks (only where they are still ours). */
  release(): Promise<void>
}

/** A host to lock: its index in the tracker and its transport. */
export interface LockHost {
  readonly index: number
  readonly transport: Transport
  /** An ended deployment's lock left on the host, removed before locking (leftover-locks.ts). */
  readonly leftover?: string | null
}

/**
 * Locks every host (atomic noclobber create): the first, then the others in parallel. If any
 * host refuses, the locks already taken are released and the refusal is returned instead.
 */
export async function lockHosts(
  tracker: DeploymentTracker,
  hosts: readonly LockHost[],
  init: {
    actor: string
    deployment: string
    environment: string
    reason: string
    staleAfterMs: number
  }
): Promise<LockSession | { readonly refused: string }> {
  const record: LockRecord = newLockRecord(
    init.actor,
    init.deployment,
    init.environment,
    init.reason
  )
  const lockOne = async (h: LockHost): Promise<{ host: LockHost; error: string | null }> => {
    tracker.host(h.index, 'lock', 'running', '')
    try {
      if (h.leftover) {
        // Only while the file still names that deployment (releaseHostLock checks).
        await releaseHostLock(h.transport, h.leftover)
        tracker.log(
          `removed the lock left by deployment ${h.leftover}, which ended while this host could not be unlocked`,
          tracker.stateOf(h.index).host
        )
      }
      await acquireHostLock(h.transport, record, init.staleAfterMs)
      tracker.host(h.index, 'lock', 'done', `locked by ${init.actor}`)
      return { host: h, error: null }
    } catch (error) {
      tracker.host(h.index, 'lock', 'failed', errorMessage(error))
      return { host: h, error: errorMessage(error) }
    }
  }
  // The first host alone, then the rest in parallel: of two deployers racing, the one refused
  // on the first host stops there, so one of them always gets the whole environment.
  const [head, ...rest] = hosts
  const results = head ? [await lockOne(head)] : []
  if (results[0]?.error === null) results.push(...(await Promise.all(rest.map(lockOne))))
  const refused = results.find((r) => r.error !== null)
  if (refused) {
    await Promise.all(
      results
        .filter((r) => r.error === null)
        .map(async (r) => {
          await releaseHostLock(r.host.transport, init.deployment).catch(() => undefined)
          tracker.host(r.host.index, 'unlock', 'done', 'lock released (another host refused)')
        })
    )
    return { refused: refused.error as string }
  }
  const every = Math.max(250, Math.floor(init.staleAfterMs / 4))
  let warned = false
  // In-flight heartbeats: release() waits for them, or a late one could re-create the lock.
  const beating = new Set<Promise<void>>()
  const timer = setInterval(() => {
    for (const h of hosts) {
      const beat: Promise<void> = heartbeatHostLock(h.transport, record)
        .catch((error: unknown) => {
          if (!warned) tracker.log(`lock heartbeat failed: ${errorMessage(error)}`)
          warned = true
        })
        .finally(() => beating.delete(beat))
      beating.add(beat)
    }
  }, every)
  timer.unref()
  return {
    async release() {
      clearInterval(timer)
      await Promise.all([...beating])
      await Promise.all(
        hosts.map(async (h) => {
          try {
            await releaseHostLock(h.transport, init.deployment)
          } catch (error) {
            tracker.log(
              `could not release the lock: ${errorMessage(error)}`,
              tracker.stateOf(h.index).host
            )
          }
        })
      )
    }
  }
}
