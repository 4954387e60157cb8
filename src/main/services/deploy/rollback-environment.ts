import { plural } from '../../../shared/plural'
import type { EnvironmentConfig } from '../../../shared/config-schema'
import type { Deployment } from '../../../shared/deploy-models'
import { hostLabel } from '../transport'
import { entry, type ActivationHost } from './activation'
import { connectFailure, type ConnectedHost } from './connect-hosts'
import { DeploymentTracker, newDeploymentId } from './deployment-tracker'
import { DEFAULT_LOCK_STALE_AFTER_MS, describeLock, parseLock } from './host-lock'
import { appendHostLog } from './host-log'
import { readHostSnapshot, type HostSnapshot } from './host-read'
import { readLocalBadReleases } from './local-records'
import { endedDeploymentIds, leftoverLock } from './leftover-locks'
import { lockHosts } from './lock-session'
import { logBase, runOperation } from './operation'
import { assertReleaseId, errorMessage } from './remote'
import { activateInBatches, restoreInBatches } from './rolling'
import type { DeployContext } from './types'

/**
 * The release a rollback goes to when none is picked: the `previous` all hosts agree on, if it
 * is good and present everywhere; else the newest good release present on every host that is
 * older than the newest release running anywhere. Null when there is none.
 */
export function chooseRollbackTarget(
  snaps: readonly HostSnapshot[],
  bad: ReadonlySet<string>
): string | null {
  const everywhere = (id: string): boolean => snaps.every((s) => s.releases.includes(id))
  const previous = new Set(snaps.map((s) => s.previous))
  const [shared] = previous
  if (
    previous.size === 1 &&
    shared &&
    !bad.has(shared) &&
    everywhere(shared) &&
    snaps.some((s) => s.current !== shared)
  ) {
    return shared
  }
  const running = snaps
    .map((s) => s.current)
    .filter((c): c is string => c !== null)
    .sort()
  const newest = running[running.length - 1]
  if (!newest) return null
  const candidates = snaps[0].releases
    .filter((id) => id < newest && !bad.has(id) && everywhere(id))
    .sort()
  return candidates[candidates.length - 1] ?? null
}

/**
 * Makes the previous good release (or `to`) current on every host of `env`, rolling in
 * batches and health-checked, without uploading anything; refused when the target is not
 * present on every host. Resolves with the final Deployment (kind 'rollback').
 */
export async function rollbackEnvironment(
  env: EnvironmentConfig,
  ctx: DeployContext,
  options: {
    to?: string
    /** Why, as the user said it: in the lock and the hosts' logs. */
    reason?: string
    signal?: AbortSignal
    /** The hosts' connections when the caller made them (they are closed here). */
    hosts?: readonly ConnectedHost[]
  } = {}
): Promise<Deployment> {
  if (options.to !== undefined) assertReleaseId(options.to)
  const signal = options.signal
  const staleAfterMs = ctx.lockStaleAfterMs ?? DEFAULT_LOCK_STALE_AFTER_MS
  const id = newDeploymentId()
  const labels = env.hosts.map((h) => hostLabel(h, ctx.workspacePath))
  const tracker = new DeploymentTracker(
    {
      id,
      workspace: ctx.workspacePath,
      kind: 'rollback',
      release: options.to ?? '',
      environment: env.name,
      startedBy: ctx.actor,
      hosts: labels
    },
    ctx.onEvent
  )
  const log = logBase('rollback', id, env, ctx, options.reason)
  return runOperation(env, ctx, tracker, run, options.hosts)

  async function run(hosts: readonly ConnectedHost[]): Promise<Deployment> {
    const ended = await endedDeploymentIds(ctx.dataDir)
    const reads = await Promise.all(
      hosts.map(async (h) => {
        if (h.kind === 'failed') {
          tracker.host(h.index, 'preflight', 'failed', connectFailure(h))
          return null
        }
        try {
          const snap = await readHostSnapshot(h.transport, { signal })
          const leftover = leftoverLock(snap.lockText, ended)
          const lock = leftover ? null : parseLock(snap.lockText, staleAfterMs)
          if (lock) {
            tracker.host(h.index, 'preflight', 'failed', `locked by ${describeLock(lock)}`)
            return null
          }
          return { h, snap }
        } catch (error) {
          tracker.host(h.index, 'preflight', 'failed', errorMessage(error))
          return null
        }
      })
    )
    if (reads.some((r) => r === null)) {
      const names = reads.flatMap((r, i) => (r === null ? [labels[i]] : []))
      return tracker.finish(
        'failed',
        `Rollback refused: ${names.join(', ')} not ready (${tracker.stateOf(reads.indexOf(null)).message}); no host was modified.`
      )
    }
    const ready = reads as {
      h: (typeof hosts)[number] & { kind: 'connected' }
      snap: HostSnapshot
    }[]
    const bad = new Set(await readLocalBadReleases(ctx.dataDir, env.name))
    ready.forEach((r) => r.snap.badReleases.forEach((b) => bad.add(b)))
    const target =
      options.to ??
      chooseRollbackTarget(
        ready.map((r) => r.snap),
        bad
      )
    if (target === null) {
      return tracker.finish(
        'failed',
        'Rollback refused: no earlier good release is present on every host.'
      )
    }
    tracker.setRelease(target)
    const missing = ready.filter((r) => !r.snap.releases.includes(target))
    if (missing.length > 0) {
      missing.forEach((r) =>
        tracker.host(r.h.index, 'preflight', 'failed', `${target} is not on this host`)
      )
      return tracker.finish(
        'failed',
        `Rollback refused: ${target} is not present on ${missing.map((r) => r.h.label).join(', ')}; no host was modified.`
      )
    }
    ready.forEach((r) => {
      tracker.host(
        r.h.index,
        'preflight',
        'done',
        r.snap.current === target
          ? `already on ${target}`
          : `${r.snap.current ?? 'nothing'} -> ${target}`
      )
      tracker.skip(
        r.h.index,
        ['upload', 'unpack'],
        `a rollback sends nothing: ${target} is already on the host`
      )
    })
    const lock = await lockHosts(
      tracker,
      ready.map((r) => ({
        index: r.h.index,
        transport: r.h.transport,
        leftover: leftoverLock(r.snap.lockText, ended)
      })),
      {
        actor: ctx.actor,
        deployment: id,
        environment: env.name,
        reason: log.reason ? `rollback to ${target}: ${log.reason}` : `rollback to ${target}`,
        staleAfterMs
      }
    )
    if ('refused' in lock)
      return tracker.finish(
        'failed',
        `Could not lock ${env.name}: ${lock.refused}; nothing was switched.`
      )
    try {
      const members: ActivationHost[] = ready.map((r) => ({
        index: r.h.index,
        label: r.h.label,
        target: { transport: r.h.transport, config: r.h.config, env },
        beforeCurrent: r.snap.current,
        beforePrevious: r.snap.previous
      }))
      await Promise.all(
        members.map((m) =>
          appendHostLog(m.target.transport, entry(log, 'started', target, m.beforeCurrent))
        )
      )
      const toSwitch = members.filter((m) => m.beforeCurrent !== target)
      members
        .filter((m) => m.beforeCurrent === target)
        .forEach((m) => tracker.host(m.index, 'activate', 'skipped', `already on ${target}`))
      const rolling = { tracker, workspacePath: ctx.workspacePath, env, log, signal }
      const outcome = await activateInBatches(rolling, toSwitch, target, 'rollback')
      const failure = outcome.failure
      const cancelled = signal?.aborted === true
      if (failure === null && !cancelled) {
        await Promise.all(
          members.map((m) =>
            appendHostLog(m.target.transport, entry(log, 'finished', target, m.beforeCurrent))
          )
        )
        return tracker.finish(
          'succeeded',
          `Rolled ${env.name} back to ${target} on ${plural(members.length, 'host')}.`
        )
      }
      const { allBack, outOfBalancer } = await restoreInBatches(rolling, outcome, target)
      await Promise.all(
        members.map((m) =>
          appendHostLog(
            m.target.transport,
            entry(
              log,
              cancelled ? 'cancelled' : 'failed',
              target,
              m.beforeCurrent,
              failure ?? 'cancelled'
            )
          ).catch(() => undefined)
        )
      )
      const stillOut =
        outOfBalancer.length > 0
          ? `; ${outOfBalancer.join(', ')} may still be out of the load balancer (afterBatch failed)`
          : ''
      const back = allBack
        ? `the switched hosts are back where they were${stillOut}`
        : `some hosts could not be switched back (see hosts)${stillOut}`
      return tracker.finish(
        cancelled ? 'cancelled' : 'failed',
        `${cancelled ? 'Cancelled' : `Rollback failed on ${failure}`}; ${back}.`
      )
    } catch (error) {
      return tracker.finish('failed', `Stopped: ${errorMessage(error)}`)
    } finally {
      await lock.release()
    }
  }
}
