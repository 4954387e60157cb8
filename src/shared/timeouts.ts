import { z } from 'zod'

/** The defaults of `timeouts:`, in seconds (what applies when slipway.yml names none). */
export const DEFAULT_TIMEOUTS = {
  /** Opening an SSH connection: TCP, handshake and login. */
  connectSeconds: 10,
  /** Each command run on a host (preflight, lock, unpack, switch, log, cleanup...). */
  commandSeconds: 300,
  /** An upload that sent no byte the host acknowledged for this long is given up. */
  uploadStallSeconds: 30,
  /** `hooks.afterActivate` on a host and `hooks.beforeBatch` / `afterBatch` here. */
  hookSeconds: 300,
  /** A git fetch or push of origin (team state, branches, continual testing's fetch). */
  fetchSeconds: 60
} as const

const seconds = (name: string): z.ZodOptional<z.ZodNumber> =>
  z
    .number()
    .positive(`${name} must be more than 0`)
    .max(86_400, `${name} is at most 86400 (a day)`)
    .optional()

/**
 * `timeouts:` at the top of slipway.yml (every environment, and git's fetch) or in one
 * environment (overrides the top for its hosts). Each says how long Slipway waits for a peer
 * that stopped answering; the error names the setting that ran out.
 */
export const TimeoutsConfigSchema = z
  .object({
    connectSeconds: seconds('connectSeconds'),
    commandSeconds: seconds('commandSeconds'),
    uploadStallSeconds: seconds('uploadStallSeconds'),
    hookSeconds: seconds('hookSeconds'),
    fetchSeconds: seconds('fetchSeconds')
  })
  .strict()

/** `timeouts:` of an environment: everything but git's fetch, which is the workspace's. */
export const EnvironmentTimeoutsSchema = TimeoutsConfigSchema.omit({ fetchSeconds: true }).strict()

/** `timeouts:` as written (every field optional). */
export type TimeoutsConfig = z.output<typeof TimeoutsConfigSchema>

/** The deploy timeouts of one environment, in milliseconds, defaults applied. */
export interface DeployTimeouts {
  readonly connectMs: number
  readonly commandMs: number
  readonly uploadStallMs: number
  readonly hookMs: number
}

/** The effective deploy timeouts of an environment (its own `timeouts`, else the defaults). */
export function deployTimeouts(env: {
  readonly timeouts?: Omit<TimeoutsConfig, 'fetchSeconds'>
}): DeployTimeouts {
  const t = env.timeouts ?? {}
  return {
    connectMs: (t.connectSeconds ?? DEFAULT_TIMEOUTS.connectSeconds) * 1000,
    commandMs: (t.commandSeconds ?? DEFAULT_TIMEOUTS.commandSeconds) * 1000,
    uploadStallMs: (t.uploadStallSeconds ?? DEFAULT_TIMEOUTS.uploadStallSeconds) * 1000,
    hookMs: (t.hookSeconds ?? DEFAULT_TIMEOUTS.hookSeconds) * 1000
  }
}

/** How long git may talk to origin, in milliseconds. */
export function fetchTimeoutMs(config: { readonly timeouts?: TimeoutsConfig }): number {
  return (config.timeouts?.fetchSeconds ?? DEFAULT_TIMEOUTS.fetchSeconds) * 1000
}

/**
 * A duration for an error message, with the setting that bounds it:
 * `10 s (timeouts.connectSeconds)`, `250 ms (timeouts.commandSeconds)`.
 */
export function timeoutText(ms: number, setting?: string): string {
  const amount =
    ms >= 1000 && ms % 1000 === 0
      ? `${ms / 1000} s`
      : ms < 1000
        ? `${ms} ms`
        : `${(ms / 1000).toFixed(1)} s`
  return setting ? `${amount} (${setting})` : amount
}
