import type { EnvironmentConfig } from '../../../shared/config-schema'
import type { Deployment, FreezeOverride, HostTransfer } from '../../../shared/deploy-models'
import type { StoredRelease } from '../releases'
import { hostLabel, shellQuote } from '../transport'
import { entry, type ActivationHost } from './activation'
import type { ConnectedHost } from './connect-hosts'
import { DeploymentTracker, newDeploymentId } from './deployment-tracker'
import { DEFAULT_LOCK_STALE_AFTER_MS } from './host-lock'
import { appendHostLog } from './host-log'
import { preflightHost, type Preflight } from './preflight-host'
import { deltaPaths } from './delta-upload'
import { markBadOnHost, pruneHostReleases, uploadPath } from './host-steps'
import { recordLocalBadRelease } from './local-records'
import { endedDeploymentIds } from './leftover-locks'
import { lockHosts } from './lock-session'
import { logBase, runOperation } from './operation'
import { assertReleaseId, errorMessage } from './remote'
import { activateInBatches, restoreInBatches } from './rolling'
import { uploadPhase } from './upload-phase'
import type { DeployContext } from './types'
import { plural } from '../../../shared/plural'

function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`
}

/**
 * Deploys `release` to `env`: preflight on every host (nothing is modified unless all pass),
 * lock, upload everywhere in parallel, then activate in batches of `strategy.batchSize` with
 * the hook and a health check proving each host serves the release. Any failure or a cancel
 * puts the activated hosts back on their previous release and marks the release bad. Resolves
 * with the final Deployment whatever the outcome (its `status` says it).
 */
export async function deployRelease(
  release: StoredRelease,
  env: EnvironmentConfig,
  ctx: DeployContext,
  options: {
    signal?: AbortSignal
    reason?: string
    /** The freeze this deploy overrides (checked and written by the caller): on every host's log. */
    freezeOverride?: FreezeOverride
    /** The hosts' connections when the caller made them (they are closed here). */
    hosts?: readonly ConnectedHost[]
  } = {}
): Promise<Deployment> {
  assertReleaseId(release.id)
  const started = Date.now()
  const signal = options.signal
  const staleAfterMs = ctx.lockStaleAfterMs ?? DEFAULT_LOCK_STALE_AFTER_MS
  const id = newDeploymentId()
  const labels = env.hosts.map((h) => hostLabel(h, ctx.workspacePath))
  const tracker = new DeploymentTracker(
    {
      id,
      workspace: ctx.workspacePath,
      kind: 'deploy',
      release: release.id,
      environment: env.name,
      startedBy: ctx.actor,
      hosts: labels
    },
    ctx.onEvent
  )
  const log = logBase('deploy', id, env, ctx, options.reason, options.freezeOverride)
  const batchSize = env.strategy?.batchSize ?? 1
  tracker.log(
    `deploying ${release.id} to ${env.name}: ${plural(labels.length, 'host')}, batch size ${batchSize}`
  )
  return runOperation(env, ctx, tracker, run, options.hosts)

  async function run(hosts: readonly ConnectedHost[]): Promise<Deployment> {
    // 1. Preflight, all hosts in parallel, read-only.
    const ended = await endedDeploymentIds(ctx.dataDir)
    const checks = await Promise.all(
      hosts.map(async (h) => {
        const result = await preflightHost(h, release, env, staleAfterMs, signal, ended)
        if (result.ok) {
          tracker.host(
            h.index,
            'preflight',
            'done',
            result.skipUpload ? `${release.id} already on the host` : 'ready'
          )
        } else {
          tracker.host(h.index, 'preflight', 'failed', result.message)
        }
        return result
      })
    )
    if (signal?.aborted)
      return tracker.finish('cancelled', 'Cancelled during preflight; no host was modified.')
    const failed = checks.filter((c): c is Preflight & { ok: false } => !c.ok)
    if (failed.length > 0) {
      const first = failed[0]
      return tracker.finish(
        'failed',
        `Preflight failed on ${failed.map((f) => labels[f.index]).join(', ')} (${first.message}); no host was modified.`
      )
    }
    const ready = checks as (Preflight & { ok: true })[]

    // 2. Lock every host.
    const lock = await lockHosts(
      tracker,
      ready.map((r) => ({
        index: r.host.index,
        transport: r.host.transport,
        leftover: r.leftoverLock
      })),
      {
        actor: ctx.actor,
        deployment: id,
        environment: env.name,
        reason: options.reason ?? `deploy ${release.id}`,
        staleAfterMs
      }
    )
    if ('refused' in lock) {
      return tracker.finish(
        'failed',
        `Could not lock ${env.name}: ${lock.refused}; nothing was deployed.`
      )
    }
    try {
      await Promise.all(
        ready.map((r) =>
          appendHostLog(r.host.transport, entry(log, 'started', release.id, r.snapshot.current))
        )
      )
      return await afterLock(ready)
    } catch (error) {
      // A host dying between steps (e.g. while writing its log): report it, never throw.
      return tracker.finish('failed', `Stopped: ${errorMessage(error)}`)
    } finally {
      await lock.release()
    }
  }

  async function afterLock(ready: readonly (Preflight & { ok: true })[]): Promise<Deployment> {
    // 3. Upload everywhere in parallel (fanned out when the environment says so); the first
    // failure stops the other uploads.
    const uploadStarted = Date.now()
    const uploaded = await uploadPhase(release, env, ready, tracker, ctx, id, signal)
    const uploads = uploaded.kind === 'uploaded' ? uploaded.ok : ready.map(() => false)
    if (uploads.some((ok) => !ok)) {
      await Promise.all(
        ready.map(async (r) => {
          const file = uploadPath(r.host.transport, release.id)
          const tmp = `${r.host.transport.basePath.replace(/\/+$/, '')}/releases/${release.id}.tmp`
          const delta = deltaPaths(r.host.transport, release.id)
          await r.host.transport
            .exec(
              `rm -rf -- ${shellQuote(file)} ${shellQuote(`${file}.sha256`)} ${shellQuote(tmp)} ${shellQuote(delta.file)} ${shellQuote(delta.list)}`,
              { timeoutMs: 10_000 }
            )
            .catch(() => undefined)
          await appendHostLog(
            r.host.transport,
            entry(
              log,
              signal?.aborted ? 'cancelled' : 'failed',
              release.id,
              r.snapshot.current,
              'upload'
            )
          ).catch(() => undefined)
        })
      )
      const bad = ready
        .filter((r) => tracker.stateOf(r.host.index).state === 'failed')
        .map((r) => r.host.label)
      if (signal?.aborted)
        return tracker.finish('cancelled', `Cancelled during upload; nothing was activated.`)
      if (uploaded.kind === 'refused') return tracker.finish('failed', uploaded.message)
      return tracker.finish('failed', `Upload failed on ${bad.join(', ')}; nothing was activated.`)
    }
    tracker.log(
      `uploaded to ${plural(ready.filter((r) => !r.skipUpload).length, 'host')} in ${seconds(uploadStarted)}`
    )

    // 4. Activate in batches; the next batch starts only when this one is healthy.
    const members: ActivationHost[] = ready.map((r) => ({
      index: r.host.index,
      label: r.host.label,
      target: { transport: r.host.transport, config: r.host.config, env },
      beforeCurrent: r.snapshot.current,
      beforePrevious: r.snapshot.previous
    }))
    const rolling = { tracker, workspacePath: ctx.workspacePath, env, log, signal }
    const outcome = await activateInBatches(rolling, members, release.id, 'deploy')
    const failure = outcome.failure
    const cancelled = signal?.aborted === true
    if (failure === null && !cancelled) return succeed(members)

    // 5. Failure or cancel: put every switched host back (batch by batch, with the batch hooks),
    // mark the release bad.
    const switched = outcome.touched
      .filter((t) => t.kind === 'activated' || t.switched)
      .map((t) => t.host)
    const reached = new Set(outcome.touched.map((t) => t.host))
    for (const m of members.filter((m) => !reached.has(m))) {
      const state = tracker.stateOf(m.index)
      if (state.state !== 'skipped') tracker.host(m.index, 'activate', 'skipped', 'not activated')
    }
    const { allBack, outOfBalancer } = await restoreInBatches(rolling, outcome, release.id)
    if (switched.length > 0) {
      await Promise.all(
        members.map((m) => markBadOnHost(m.target.transport, release.id).catch(() => undefined))
      )
      await recordLocalBadRelease(
        ctx.dataDir,
        env.name,
        release.id,
        cancelled ? 'cancelled during its deploy' : `failed on ${failure ?? 'a host'}`
      )
    }
    await Promise.all(
      members.map((m) =>
        appendHostLog(m.target.transport, {
          ...entry(
            log,
            cancelled ? 'cancelled' : 'failed',
            release.id,
            m.beforeCurrent,
            failure ?? 'cancelled'
          ),
          ...transferOf(m.index)
        }).catch(() => undefined)
      )
    )
    const backTo = [...new Set(switched.map((m) => m.beforeCurrent ?? 'nothing'))].join(', ')
    const hostsBack = switched.map((m) => m.label).join(', ')
    const what = cancelled ? 'Cancelled' : `Failed on ${failure}`
    const stillOut =
      outOfBalancer.length > 0
        ? `; ${outOfBalancer.join(', ')} may still be out of the load balancer (afterBatch failed)`
        : ''
    const after =
      switched.length === 0
        ? `no host was switched${stillOut}`
        : allBack
          ? `${hostsBack} back on ${backTo}; ${release.id} marked bad for ${env.name}${stillOut}`
          : `rollback incomplete (see hosts); ${release.id} marked bad for ${env.name}${stillOut}`
    const status = cancelled
      ? 'cancelled'
      : allBack && switched.length > 0
        ? 'rolled-back'
        : 'failed'
    return tracker.finish(status, `${what}; ${after}.`)
  }

  /** The host's transfer, for its log entry, when the upload step recorded one. */
  function transferOf(index: number): { transfer?: HostTransfer } {
    const transfer = tracker.stateOf(index).transfer
    return transfer ? { transfer } : {}
  }

  async function succeed(members: readonly ActivationHost[]): Promise<Deployment> {
    const keep = env.keepReleases
    await Promise.all(
      members.map(async (m) => {
        try {
          const removed = await pruneHostReleases(m.target.transport, keep, [
            release.id,
            m.beforeCurrent
          ])
          tracker.host(
            m.index,
            'cleanup',
            'done',
            removed.length > 0 ? `removed ${removed.join(', ')}` : `keeping ${keep}`
          )
        } catch (error) {
          tracker.host(m.index, 'cleanup', 'failed', errorMessage(error))
        }
        await appendHostLog(m.target.transport, {
          ...entry(log, 'finished', release.id, m.beforeCurrent),
          ...transferOf(m.index)
        }).catch(() => undefined)
      })
    )
    return tracker.finish(
      'succeeded',
      `Deployed ${release.id} to ${env.name} (${plural(members.length, 'host')}) in ${seconds(started)}.`
    )
  }
}
