import type { EnvironmentConfig } from '../../../shared/config-schema'
import type { FreezeOverride, Health } from '../../../shared/deploy-models'
import { deployTimeouts } from '../../../shared/timeouts'
import { ExpectedError } from '../errors'
import type { DeploymentTracker } from './deployment-tracker'
import {
  checkHealthOnce,
  inCurrent,
  waitForHealthy,
  type HealthWaitReports,
  type HostTarget
} from './health-check'
import type { HostLogEntry } from './host-log'
import { switchCurrent } from './host-steps'
import { errorMessage, execChecked } from './remote'

/** A connected host taking part in an activation, with what `current` was before. */
export interface ActivationHost {
  readonly index: number
  readonly label: string
  readonly target: HostTarget
  /** `current` before this operation (null: nothing deployed). */
  readonly beforeCurrent: string | null
  /** `.slipway/previous` before this operation. */
  readonly beforePrevious: string | null
}

/** How one host's activation ended. */
export type ActivationResult =
  | { readonly kind: 'activated'; readonly host: ActivationHost; readonly health: Health | null }
  | {
      readonly kind: 'failed'
      readonly host: ActivationHost
      readonly switched: boolean
      readonly message: string
    }

/** Log fields shared by every host log entry of one operation. */
export interface LogBase {
  readonly deployment: string
  readonly kind: 'deploy' | 'rollback'
  readonly environment: string
  readonly by: string
  readonly machine: string
  /** Why, as the user said it; written with the `started` entry. */
  readonly reason?: string
  /** The freeze this deploy overrides, with the written reason; on the `started` entry. */
  readonly freezeOverride?: FreezeOverride
}

/** Runs `hooks.afterActivate` in `<base>/current` with the hook environment. */
export async function runHook(
  target: HostTarget,
  release: string,
  signal?: AbortSignal
): Promise<string> {
  const hook = target.env.hooks?.afterActivate
  if (!hook) return ''
  const out = await execChecked(
    target.transport,
    'afterActivate hook',
    inCurrent(target, release, hook),
    {
      timeoutMs: deployTimeouts(target.env).hookMs,
      timeoutSetting: 'timeouts.hookSeconds',
      signal
    }
  )
  return out.trim().split('\n').pop() ?? ''
}

function hasHealthCheck(env: EnvironmentConfig): boolean {
  return Boolean(env.healthCheck?.url || env.healthCheck?.command)
}

/**
 * On one host: switches `current` to `release`, runs the hook and waits for the health check
 * to prove the host serves `release`. Every step is reported to the tracker and the switch is
 * written to the host's log.
 */
export async function activateHost(
  tracker: DeploymentTracker,
  host: ActivationHost,
  release: string,
  log: LogBase,
  signal?: AbortSignal
): Promise<ActivationResult> {
  const { index, target } = host
  let switched = false
  try {
    if (signal?.aborted) throw new ExpectedError('cancelled', 'cancelled')
    tracker.host(index, 'activate', 'running', `switching current to ${release}`)
    await switchCurrent(target.transport, release, {
      signal,
      log: entry(log, 'activated', release, host.beforeCurrent)
    })
    switched = true
    tracker.host(index, 'activate', 'done', `current -> releases/${release}`)
    if (target.env.hooks?.afterActivate) {
      tracker.host(index, 'hook', 'running', 'afterActivate')
      const last = await runHook(target, release, signal)
      tracker.host(index, 'hook', 'done', last)
    } else {
      tracker.skip(index, ['hook'], 'no afterActivate hook configured')
    }
    if (!hasHealthCheck(target.env)) {
      tracker.host(index, 'health', 'skipped', 'no health check configured')
      return { kind: 'activated', host, health: null }
    }
    const waiting = `waiting for the host to serve ${release}`
    tracker.host(index, 'health', 'running', waiting)
    const health = await waitForHealthy(
      target,
      release,
      signal,
      healthReports(tracker, index, waiting)
    )
    if (health.kind !== 'healthy') {
      const message = signal?.aborted
        ? 'cancelled during the health check'
        : `health check failed: ${health.detail}`
      tracker.host(index, 'health', 'failed', message)
      return { kind: 'failed', host, switched, message }
    }
    tracker.host(index, 'health', 'done', health.detail)
    return { kind: 'activated', host, health }
  } catch (error) {
    const message = signal?.aborted ? 'cancelled' : errorMessage(error)
    const step = tracker.stateOf(index).step
    tracker.host(index, step, 'failed', message)
    return { kind: 'failed', host, switched, message }
  }
}

/**
 * Puts one host back on the release it had before (`current` switched back, `.slipway/previous`
 * restored, hook re-run, health-checked once it is back). Returns true when the host is back
 * and healthy (or has no health check).
 */
export async function restoreHost(
  tracker: DeploymentTracker,
  host: ActivationHost,
  log: LogBase,
  fromRelease: string
): Promise<boolean> {
  const { index, target } = host
  const back = host.beforeCurrent
  try {
    tracker.host(
      index,
      'rollback',
      'running',
      back ? `switching back to ${back}` : 'removing current'
    )
    await switchCurrent(target.transport, back, {
      previous: host.beforePrevious,
      log: entry(log, 'rolled-back', back ?? '', fromRelease)
    })
    if (back === null) {
      tracker.host(index, 'rollback', 'rolled-back', 'no release before: current removed')
      return true
    }
    await runHook(target, back)
    if (hasHealthCheck(target.env)) {
      const waiting = `back on ${back}, waiting for the host to serve it`
      tracker.host(index, 'rollback', 'running', waiting)
      const health = await waitForHealthy(
        target,
        back,
        undefined,
        healthReports(tracker, index, waiting)
      )
      if (health.kind !== 'healthy') {
        tracker.host(index, 'rollback', 'failed', `back on ${back} but unhealthy: ${health.detail}`)
        return false
      }
    }
    tracker.host(index, 'rollback', 'rolled-back', `back on ${back}`)
    return true
  } catch (error) {
    tracker.host(index, 'rollback', 'failed', `could not switch back: ${errorMessage(error)}`)
    return false
  }
}

/**
 * What a health wait tells the tracker: its deadline (the UI counts down to it) and each new
 * answer ("waiting…; last answer: …"); the deadline ends when the wait does.
 */
function healthReports(
  tracker: DeploymentTracker,
  index: number,
  waiting: string
): HealthWaitReports {
  return {
    onDeadline: (at) => tracker.healthWait(index, at),
    onAnswer: (detail) => tracker.healthAnswer(index, `${waiting}; last answer: ${detail}`)
  }
}

/** A host log entry for this operation. */
export function entry(
  log: LogBase,
  event: HostLogEntry['event'],
  release: string,
  from: string | null,
  detail?: string
): HostLogEntry {
  return {
    at: new Date().toISOString(),
    event,
    deployment: log.deployment,
    kind: log.kind,
    environment: log.environment,
    ...(release ? { release } : {}),
    from,
    by: log.by,
    machine: log.machine,
    ...(event === 'started' && log.reason ? { reason: log.reason } : {}),
    ...(event === 'started' && log.freezeOverride ? { freezeOverride: log.freezeOverride } : {}),
    ...(detail ? { detail } : {})
  }
}

/** Reads health once (short timeout) for status. */
export function healthOnce(target: HostTarget, release: string | null): Promise<Health> {
  return checkHealthOnce(target, release, 3000)
}

/** Splits indices into batches of `size`. */
export function batches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += Math.max(1, size))
    out.push(items.slice(i, i + Math.max(1, size)))
  return out
}
