import { timeoutText } from '../../../shared/timeouts'
import { ExpectedError } from '../errors'
import { shellQuote, type ExecOptions, type Transport } from '../transport'

/** What a release id looks like (the releases seam's `isReleaseId`); checked before any use. */
const RELEASE_ID = /^\d{8}\.\d{4,6}-[0-9a-f]{7,12}(-\d+)?$/

/** Throws ExpectedError('bad-request') unless `id` is a well-formed release id. */
export function assertReleaseId(id: string): void {
  if (!RELEASE_ID.test(id)) {
    throw new ExpectedError('bad-request', `not a release id: ${JSON.stringify(id)}`, { id })
  }
}

/** True when `value` looks like a release id (used to filter folder listings read from hosts). */
export function looksLikeReleaseId(value: string): boolean {
  return RELEASE_ID.test(value)
}

/** Absolute paths of the host layout, already shell-quoted for use in command lines. */
export interface HostPaths {
  readonly base: string
  readonly releases: string
  readonly shared: string
  readonly current: string
  readonly state: string
  readonly lock: string
  readonly log: string
  readonly bad: string
  readonly previous: string
  /** `releases/<id>` (quoted); the id must have passed {@link assertReleaseId}. */
  release(id: string): string
}

/** The quoted layout paths under a host's base path. */
export function hostPaths(basePath: string): HostPaths {
  const base = basePath.replace(/\/+$/, '') || '/'
  const q = (rel: string): string => shellQuote(`${base}/${rel}`)
  return {
    base: shellQuote(base),
    releases: q('releases'),
    shared: q('shared'),
    current: q('current'),
    state: q('.slipway'),
    lock: q('.slipway/lock'),
    log: q('.slipway/deployments.jsonl'),
    bad: q('.slipway/bad-releases'),
    previous: q('.slipway/previous'),
    release: (id) => {
      assertReleaseId(id)
      return q(`releases/${id}`)
    }
  }
}

/** Runs a command line on a host and fails with ExpectedError('deploy-failed') on a non-zero exit. */
export async function execChecked(
  transport: Transport,
  what: string,
  command: string,
  options?: ExecOptions
): Promise<string> {
  let result
  try {
    result = await transport.exec(command, options)
  } catch (error) {
    // Say which step ran out of time, with the setting that bounds it.
    if (error instanceof ExpectedError && error.code === 'timeout') {
      const ms = Number(error.details.timeoutMs)
      const setting = typeof error.details.setting === 'string' ? error.details.setting : undefined
      throw new ExpectedError(
        'timeout',
        `${transport.label}: ${what} did not finish within ${Number.isFinite(ms) ? timeoutText(ms, setting) : 'its time'}`,
        { ...error.details, step: what }
      )
    }
    throw error
  }
  if (result.code !== 0) {
    const lastLine = result.stderr.trim().split('\n').pop() ?? ''
    throw new ExpectedError(
      'deploy-failed',
      `${transport.label}: ${what} failed${lastLine ? `: ${lastLine}` : ` (exit ${result.code})`}`,
      { host: transport.label, step: what, code: result.code, stderr: result.stderr.slice(-4000) }
    )
  }
  return result.stdout
}

/**
 * Splits output of a script that prints `@@<name>` marker lines before each section, so one
 * round trip can read several things (marker lines are emitted by our constant script text).
 */
export function parseSections(stdout: string): Map<string, string> {
  const sections = new Map<string, string>()
  let name: string | null = null
  let lines: string[] = []
  for (const line of stdout.split('\n')) {
    const marker = /^@@([a-z-]+)$/.exec(line)
    if (marker) {
      if (name !== null) sections.set(name, lines.join('\n'))
      name = marker[1]
      lines = []
    } else if (name !== null) {
      lines.push(line)
    }
  }
  if (name !== null) sections.set(name, lines.join('\n'))
  return sections
}

/** A short message for any thrown value (ExpectedError messages are written for users). */
export function errorMessage(error: unknown): string {
  if (error instanceof ExpectedError) return error.message
  if (error instanceof Error) return error.message
  return String(error)
}
