import { DEFAULT_TIMEOUTS, timeoutText } from '../../../shared/timeouts'
import { ExpectedError } from '../errors'
import type { ExecOptions } from './types'

/** How long one command may run, and the slipway.yml setting that says so. */
export interface ExecTimeout {
  readonly ms: number
  readonly setting: string | null
}

/**
 * The bound of one command: its own `timeoutMs` (named by `timeoutSetting`), else the
 * transport's command timeout (`timeouts.commandSeconds`). A host that stops answering never
 * holds a deployment forever.
 */
export function execTimeout(
  options: ExecOptions,
  commandTimeoutMs: number | undefined
): ExecTimeout {
  if (options.timeoutMs !== undefined) {
    return { ms: options.timeoutMs, setting: options.timeoutSetting ?? null }
  }
  return {
    ms: commandTimeoutMs ?? DEFAULT_TIMEOUTS.commandSeconds * 1000,
    setting: 'timeouts.commandSeconds'
  }
}

/** The error of a command stopped by its timeout; its message names the setting. */
export function execTimedOut(
  label: string,
  command: string,
  timeout: ExecTimeout,
  extra: Record<string, unknown> = {}
): ExpectedError {
  return new ExpectedError(
    'timeout',
    `${label}: command did not finish within ${timeoutText(timeout.ms, timeout.setting ?? undefined)}`,
    { host: label, command, timeoutMs: timeout.ms, setting: timeout.setting, ...extra }
  )
}
