import type { EnvironmentConfig } from '../../../shared/config-schema'
import type { ActiveFreeze, FreezeOverride } from '../../../shared/deploy-models'
import {
  activeFreeze,
  describeFreeze,
  MIN_OVERRIDE_REASON,
  parseFreezeWindows
} from '../../../shared/freeze-windows'
import { machineTimeZone } from '../../../shared/zoned-time'
import { ExpectedError } from '../errors'

/** The freeze in force on `env` at `now` (its `freeze` windows in `freezeTimezone`), or null. */
export function freezeAt(env: EnvironmentConfig, now: number): ActiveFreeze | null {
  if (!env.freeze?.length) return null
  const tz = env.freezeTimezone ?? machineTimeZone()
  const freeze = activeFreeze(parseFreezeWindows(env.freeze), now, tz)
  return freeze ? { ...freeze, windows: [...freeze.windows] } : null
}

/**
 * Lets a deploy or promotion to `env` go at `now`: nothing when no freeze holds; inside a
 * freeze, the override to record (who, why, which freeze) when a written reason is given,
 * else refused with code `frozen`, naming the windows and when the freeze ends. Rollbacks
 * never come here: a rollback is never frozen.
 */
export function passFreeze(
  env: EnvironmentConfig,
  now: number,
  request: { readonly release: string; readonly by: string; readonly overrideReason?: string }
): FreezeOverride | undefined {
  const freeze = freezeAt(env, now)
  if (!freeze) return undefined
  const reason = request.overrideReason?.trim() ?? ''
  if (reason.length < MIN_OVERRIDE_REASON) {
    const ask =
      reason === ''
        ? 'to deploy anyway, override the freeze with a written reason'
        : `an override needs a written reason of ${MIN_OVERRIDE_REASON} characters or more`
    throw new ExpectedError('frozen', `${describeFreeze(env.name, freeze)}; ${ask}`, {
      environment: env.name,
      ...freeze
    })
  }
  return {
    reason,
    by: request.by,
    at: new Date(now).toISOString(),
    release: request.release,
    freeze
  }
}

/**
 * An environment whose `approvals.required` is above zero gets releases only through an
 * approved promotion (`promotion` names it); a plain deploy there is refused, saying how.
 * Rollbacks never come here.
 */
export function passApprovals(env: EnvironmentConfig, promotion: string | undefined): void {
  const required = env.approvals?.required ?? 0
  if (required === 0 || promotion) return
  throw new ExpectedError(
    'conflict',
    `${env.name} needs ${required} approval${required === 1 ? '' : 's'}: promote a release to it (slipway promote RELEASE ${env.name}, or Promote… on the board) instead of deploying`,
    { environment: env.name, required }
  )
}
