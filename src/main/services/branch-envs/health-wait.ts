import { request } from 'node:http'
import { request as requestTls } from 'node:https'

/** How often the health URL is asked while an app starts. */
export const HEALTH_POLL_MS = 250

/** The health URL of an app given `port` ({port} replaced). */
export function healthUrlFor(template: string, port: number): string {
  return template.replaceAll('{port}', String(port))
}

/** The app's address for the user: the health URL's origin, e.g. `http://127.0.0.1:4000/`. */
export function appUrlFor(template: string, port: number): string {
  return `${new URL(healthUrlFor(template, port)).origin}/`
}

/** One GET of `url`: its status code, or null when nothing answered (refused, reset, timeout). */
export function probe(url: string, timeoutMs = 2_000): Promise<number | null> {
  return new Promise((resolve) => {
    const get = url.startsWith('https:') ? requestTls : request
    // A local app's certificate is usually self-signed; the probe only asks whether it answers.
    const req = get(
      url,
      { method: 'GET', timeout: timeoutMs, rejectUnauthorized: false },
      (res) => {
        res.resume()
        resolve(res.statusCode ?? null)
      }
    )
    req.on('timeout', () => req.destroy())
    req.on('error', () => resolve(null))
    req.end()
  })
}

/**
 * Asks `url` until it answers 2xx or 3xx ('healthy'), the deadline passes ('timeout') or
 * `signal` aborts ('aborted'): whichever comes first.
 */
export async function waitForHealth(
  url: string,
  deadline: number,
  signal: AbortSignal
): Promise<'healthy' | 'timeout' | 'aborted'> {
  while (!signal.aborted) {
    const status = await probe(url)
    if (status !== null && status >= 200 && status < 400) return 'healthy'
    if (Date.now() >= deadline) return 'timeout'
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, HEALTH_POLL_MS)
      function done(): void {
        clearTimeout(timer)
        signal.removeEventListener('abort', done)
        resolve()
      }
      signal.addEventListener('abort', done)
    })
  }
  return 'aborted'
}
