import type { Health } from '../../../shared/deploy-models'
import type { EnvironmentConfig, HostConfig } from '../../../shared/config-schema'
import { timeoutText } from '../../../shared/timeouts'
import { ExpectedError } from '../errors'
import { shellQuote, type Transport } from '../transport'
import { errorMessage, hostPaths } from './remote'

/** One host of an environment, connected. */
export interface HostTarget {
  readonly transport: Transport
  readonly config: HostConfig
  readonly env: EnvironmentConfig
}

/**
 * The environment a hook or health command runs with, as `NAME=value` assignments (quoted)
 * for a command line: release, environment, base path, the host's port and address.
 */
export function hookEnvAssignments(target: HostTarget, release: string): string {
  const vars: [string, string][] = [
    ['SLIPWAY_RELEASE', release],
    ['SLIPWAY_ENVIRONMENT', target.env.name],
    ['SLIPWAY_BASE', target.transport.basePath],
    ['SLIPWAY_HOST_ADDRESS', target.transport.address]
  ]
  if (target.config.port !== undefined) vars.push(['SLIPWAY_PORT', String(target.config.port)])
  return vars.map(([k, v]) => `${k}=${shellQuote(v)}`).join(' ')
}

/** A command run with `sh -c` in `<base>/current` with the hook environment. */
export function inCurrent(target: HostTarget, release: string, script: string): string {
  const p = hostPaths(target.transport.basePath)
  return `cd -- ${p.current} && ${hookEnvAssignments(target, release)} sh -c ${shellQuote(script)}`
}

/** The health URL for a host: `{host}` → the transport's address, `{port}` → the host's port. */
export function healthUrl(template: string, target: HostTarget): string {
  const address = target.transport.address.includes(':')
    ? `[${target.transport.address}]`
    : target.transport.address
  if (template.includes('{port}') && target.config.port === undefined) {
    throw new ExpectedError(
      'bad-config',
      `health URL uses {port} but ${target.transport.label} has no port`,
      {
        url: template
      }
    )
  }
  return template
    .replaceAll('{host}', address)
    .replaceAll('{port}', String(target.config.port ?? ''))
}

/** Node's socket error codes in words, code kept (people search for it). */
const SOCKET_WORDS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused (ECONNREFUSED): nothing listens there yet',
  ECONNRESET: 'connection reset (ECONNRESET)',
  ENOTFOUND: 'the name does not resolve (ENOTFOUND)',
  EHOSTUNREACH: 'no route to the host (EHOSTUNREACH)',
  UND_ERR_SOCKET: 'the connection closed before an answer (UND_ERR_SOCKET)'
}

/** The start of an answer's body, on one line, quoted (`: "…"`), or '' when empty. */
function bodyExcerpt(body: string): string {
  const line = body.replace(/\s+/g, ' ').trim()
  if (line === '') return ''
  return `: "${line.length > 120 ? `${line.slice(0, 119)}…` : line}"`
}

/** The release id an app reported in a JSON body (`{"release": "…"}`), if any. */
function reportedRelease(body: string): string | null {
  try {
    const parsed = JSON.parse(body) as { release?: unknown }
    return typeof parsed.release === 'string' ? parsed.release : null
  } catch {
    return null
  }
}

/**
 * Checks a host once. Healthy only when the check passes AND the answer contains `release`
 * (the app proves it serves that release); with `release` null any passing answer is healthy.
 */
export async function checkHealthOnce(
  target: HostTarget,
  release: string | null,
  timeoutMs: number,
  signal?: AbortSignal
): Promise<Health> {
  const check = target.env.healthCheck
  if (!check || (!check.url && !check.command)) {
    return { kind: 'unknown', release: null, detail: 'no health check configured' }
  }
  const proves = (text: string): boolean => release === null || text.includes(release)
  if (check.url) {
    let url: string
    try {
      url = healthUrl(check.url, target)
    } catch (error) {
      return { kind: 'unknown', release: null, detail: errorMessage(error) }
    }
    const timeout = AbortSignal.timeout(timeoutMs)
    try {
      const res = await fetch(url, {
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        redirect: 'manual'
      })
      const body = (await res.text()).slice(0, 64 * 1024)
      const reported = reportedRelease(body)
      if (res.status < 200 || res.status > 299) {
        return {
          kind: 'unhealthy',
          release: reported,
          detail: `${url} answered ${res.status}${bodyExcerpt(body)}`
        }
      }
      if (!proves(body)) {
        return {
          kind: 'unhealthy',
          release: reported,
          detail: `${url} answered without release ${release}${reported ? ` (reports ${reported})` : bodyExcerpt(body)}`
        }
      }
      return {
        kind: 'healthy',
        release: reported ?? release,
        detail: `${url} answered ${res.status}`
      }
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code
      const why = timeout.aborted
        ? `no answer within ${timeoutMs} ms`
        : cause
          ? (SOCKET_WORDS[cause] ?? cause)
          : errorMessage(error)
      return { kind: 'unhealthy', release: null, detail: `${url}: ${why}` }
    }
  }
  const command = check.command as string
  try {
    const result = await target.transport.exec(inCurrent(target, release ?? '', command), {
      timeoutMs,
      signal
    })
    const out = result.stdout.trim()
    const reported =
      reportedRelease(out) ?? (release !== null && out.includes(release) ? release : null)
    if (result.code !== 0) {
      const err = result.stderr.trim().split('\n').pop() ?? ''
      return {
        kind: 'unhealthy',
        release: reported,
        detail: `health command exited ${result.code}${err ? `: ${err}` : ''}`
      }
    }
    if (!proves(out)) {
      return {
        kind: 'unhealthy',
        release: reported,
        detail: `health command output lacks release ${release}`
      }
    }
    return { kind: 'healthy', release: reported ?? release, detail: 'health command passed' }
  } catch (error) {
    return { kind: 'unhealthy', release: null, detail: errorMessage(error) }
  }
}

/**
 * Retries the health check until it proves `release` or `healthCheck.timeoutSeconds` pass:
 * every 25 ms for the first second (an app usually comes up within it), then backing off to
 * 500 ms. Returns the last reading.
 */
export async function waitForHealthy(
  target: HostTarget,
  release: string,
  signal?: AbortSignal,
  reports: HealthWaitReports = {}
): Promise<Health> {
  const timeoutMs = (target.env.healthCheck?.timeoutSeconds ?? 30) * 1000
  const deadline = Date.now() + timeoutMs
  const started = Date.now()
  reports.onDeadline?.(deadline)
  try {
    return await retryUntil(target, release, deadline, timeoutMs, started, signal, reports)
  } finally {
    reports.onDeadline?.(null)
  }
}

/** What {@link waitForHealthy} tells while it waits. */
export interface HealthWaitReports {
  /** When the wait gives up (ms since the epoch), then null once it ended. */
  readonly onDeadline?: (at: number | null) => void
  /** Each answer that did not prove the release (`detail` of the reading). */
  readonly onAnswer?: (detail: string) => void
}

async function retryUntil(
  target: HostTarget,
  release: string,
  deadline: number,
  timeoutMs: number,
  started: number,
  signal: AbortSignal | undefined,
  reports: HealthWaitReports
): Promise<Health> {
  let delay = 25
  for (;;) {
    const left = deadline - Date.now()
    const health = await checkHealthOnce(
      target,
      release,
      Math.max(200, Math.min(5000, left)),
      signal
    )
    if (health.kind !== 'unhealthy') return health
    reports.onAnswer?.(health.detail)
    if (signal?.aborted || Date.now() + delay >= deadline) {
      return {
        ...health,
        detail: `${health.detail} (gave up after ${timeoutText(timeoutMs, 'healthCheck.timeoutSeconds')})`
      }
    }
    await new Promise((r) => setTimeout(r, delay))
    if (Date.now() - started > 1000) delay = Math.min(500, delay * 2)
  }
}
