import type { EnvironmentConfig } from '../../../shared/config-schema'
import { plural } from '../../../shared/plural'
import {
  activateHost,
  batches,
  restoreHost,
  type ActivationHost,
  type ActivationResult,
  type LogBase
} from './activation'
import {
  drainMs,
  runBatchHook,
  waitDrain,
  type BatchHookName,
  type BatchHookRun,
  type BatchPhase
} from './batch-hooks'
import type { DeploymentTracker } from './deployment-tracker'
import { errorMessage } from './remote'

/** What a rolling switch needs. */
export interface RollingContext {
  readonly tracker: DeploymentTracker
  readonly workspacePath: string
  readonly env: EnvironmentConfig
  readonly log: LogBase
  readonly signal?: AbortSignal
}

/** One batch a rolling switch reached. */
export interface EnteredBatch {
  readonly hosts: readonly ActivationHost[]
  /** True while `beforeBatch` has (maybe) taken its hosts out and `afterBatch` has not put them back. */
  out: boolean
}

/** How a rolling switch ended. */
export interface RollingOutcome {
  readonly touched: readonly ActivationResult[]
  /** What failed (`host: reason`, or which hook), or null. */
  readonly failure: string | null
  /** The batches reached, in order; the last one is where it stopped. */
  readonly entered: readonly EnteredBatch[]
}

/** How putting hosts back ended. */
export interface RestoreOutcome {
  /** Every switched host is back on its release (and healthy where checked). */
  readonly allBack: boolean
  /** Hosts whose `afterBatch` failed: maybe still out of the load balancer. */
  readonly outOfBalancer: readonly string[]
}

function hookRun(
  ctx: RollingContext,
  hosts: readonly ActivationHost[],
  release: string,
  phase: BatchPhase,
  batch: number,
  total: number
): BatchHookRun {
  return {
    workspacePath: ctx.workspacePath,
    env: ctx.env,
    hosts,
    release,
    phase,
    batch,
    batches: total
  }
}

/** Runs one batch hook and logs it; throws on failure (the message names the hook and batch). */
async function hook(
  ctx: RollingContext,
  which: BatchHookName,
  run: BatchHookRun,
  signal?: AbortSignal
): Promise<void> {
  if (!ctx.env.hooks?.[which]) return
  const names = run.hosts.map((h) => h.label).join(', ')
  const what = `${which} (${run.phase}, batch ${run.batch}/${run.batches}: ${names})`
  try {
    const last = await runBatchHook(which, run, signal)
    ctx.tracker.log(`${what} done${last ? `: ${last}` : ''}`)
  } catch (error) {
    throw new Error(
      `${which} hook failed for batch ${run.batch} (${names}): ${errorMessage(error)}`
    )
  }
}

/**
 * Switches `members` to `release` in batches of `strategy.batchSize`: per batch `beforeBatch`,
 * the drain wait, the switch with hook and health check on each host, then `afterBatch`, and
 * the next batch only when this one is back. Stops at the first failure or a cancel.
 */
export async function activateInBatches(
  ctx: RollingContext,
  members: readonly ActivationHost[],
  release: string,
  phase: Exclude<BatchPhase, 'restore'>
): Promise<RollingOutcome> {
  const { tracker, signal } = ctx
  const groups = batches(members, ctx.env.strategy?.batchSize ?? 1)
  const touched: ActivationResult[] = []
  const entered: EnteredBatch[] = []
  let failure: string | null = null
  for (const [n, batch] of groups.entries()) {
    if (signal?.aborted) break
    const run = hookRun(ctx, batch, release, phase, n + 1, groups.length)
    const reached: EnteredBatch = { hosts: batch, out: false }
    entered.push(reached)
    if (ctx.env.hooks?.beforeBatch) {
      // From here on the hosts may be out, even when the hook fails half way.
      reached.out = true
      try {
        await hook(ctx, 'beforeBatch', run, signal)
      } catch (error) {
        failure = signal?.aborted ? null : errorMessage(error)
        for (const m of batch) tracker.host(m.index, 'activate', 'skipped', 'beforeBatch failed')
        break
      }
      const ms = drainMs(ctx.env)
      if (ms > 0) {
        for (const m of batch)
          tracker.host(m.index, 'activate', 'running', `out of rotation, draining ${ms / 1000} s`)
        if (!(await waitDrain(ms, signal))) break
      }
    }
    const results = await Promise.all(
      batch.map((m) => activateHost(tracker, m, release, ctx.log, signal))
    )
    touched.push(...results)
    const bad = results.find((r) => r.kind === 'failed')
    if (bad && bad.kind === 'failed') {
      failure = `${bad.host.label}: ${bad.message}`
      break
    }
    if (ctx.env.hooks?.afterBatch) {
      try {
        await hook(ctx, 'afterBatch', run, signal)
        reached.out = false
      } catch (error) {
        failure = signal?.aborted ? null : errorMessage(error)
        break
      }
    }
  }
  return { touched, failure, entered }
}

/**
 * Puts the switched hosts of `outcome` back on what they had before, batch by batch, newest
 * batch first (the one that failed, whose hosts are still out): `beforeBatch` and the drain for
 * a batch still in rotation, the switch back with hook and health check, then `afterBatch`,
 * which also brings back hosts of the failed batch that were never switched. A failing hook
 * does not stop the restore: putting the previous release back matters most; it is logged and
 * reported.
 */
export async function restoreInBatches(
  ctx: RollingContext,
  outcome: RollingOutcome,
  fromRelease: string
): Promise<RestoreOutcome> {
  const { tracker } = ctx
  const switched = new Set(
    outcome.touched.filter((t) => t.kind === 'activated' || t.switched).map((t) => t.host)
  )
  const todo = [...outcome.entered]
    .reverse()
    .filter((b) => b.out || b.hosts.some((h) => switched.has(h)))
  let allBack = true
  const outOfBalancer: string[] = []
  for (const [k, b] of todo.entries()) {
    const back = b.hosts.filter((h) => switched.has(h))
    const release = back[0]?.beforeCurrent ?? b.hosts[0].beforeCurrent ?? ''
    const run = hookRun(ctx, b.hosts, release, 'restore', k + 1, todo.length)
    if (!b.out && back.length > 0 && ctx.env.hooks?.beforeBatch) {
      try {
        await hook(ctx, 'beforeBatch', run)
        await waitDrain(drainMs(ctx.env))
      } catch (error) {
        tracker.log(`${errorMessage(error)}; switching back anyway`)
      }
    }
    const restored = await Promise.all(
      back.map((m) => restoreHost(tracker, m, ctx.log, fromRelease))
    )
    if (!restored.every(Boolean)) allBack = false
    try {
      await hook(ctx, 'afterBatch', run)
    } catch (error) {
      const names = b.hosts.map((h) => h.label)
      outOfBalancer.push(...names)
      tracker.log(
        `${errorMessage(error)}; ${plural(names.length, 'host')} may still be out of the load balancer`
      )
    }
  }
  return { allBack, outOfBalancer }
}
