import { randomBytes } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { ownOrigins, tokenMatches } from './security'

/** How long a one-time link made for `--open` stays usable. */
export const ONE_TIME_LINK_MS = 2 * 60_000

/** What a page request carrying `?token=` or `?once=` leads to. */
export type LoginOutcome =
  | { readonly kind: 'none' }
  /** Set the cookie and redirect to `location` (the same URL without the secret). */
  | { readonly kind: 'accepted'; readonly location: string }
  | { readonly kind: 'refused'; readonly reason: string }

/**
 * How a browser proves it belongs to the user who started `serve`, without the token ever
 * being on a command line: the printed URL's `?token=` or a one-time `?once=` code (for
 * `--open`, handed over through a 0600 file) is exchanged for an HttpOnly, SameSite=Strict
 * cookie, then redirected away so the secret leaves the address bar.
 */
export class BrowserSessions {
  private readonly codes = new Map<string, number>()

  constructor(
    private readonly token: string,
    private readonly port: number,
    private readonly now: () => number = Date.now,
    /** The names the server answers to (its pages' origins); default 127.0.0.1 and localhost. */
    private readonly names?: readonly string[]
  ) {}

  /** The cookie's name: per port, since cookies do not tell ports apart. */
  get cookieName(): string {
    return `slipway_session_${this.port}`
  }

  /** A fresh code for `/?once=`: one use, within {@link ONE_TIME_LINK_MS}. */
  issueOneTimeCode(): string {
    const code = randomBytes(24).toString('base64url')
    this.codes.set(code, this.now() + ONE_TIME_LINK_MS)
    return code
  }

  /** Handles the secret of a page request, if it has one. */
  login(url: URL): LoginOutcome {
    const token = url.searchParams.get('token')
    const once = url.searchParams.get('once')
    if (token === null && once === null) return { kind: 'none' }
    const clean = new URL(url)
    clean.searchParams.delete('token')
    clean.searchParams.delete('once')
    const location = `${clean.pathname}${clean.search}`
    if (token !== null) {
      return tokenMatches(token, this.token)
        ? { kind: 'accepted', location }
        : { kind: 'refused', reason: 'This link has the wrong token.' }
    }
    this.dropExpired()
    for (const [code] of this.codes) {
      if (tokenMatches(once, code)) {
        this.codes.delete(code)
        return { kind: 'accepted', location }
      }
    }
    return { kind: 'refused', reason: 'This link was already used or has expired.' }
  }

  /** The `Set-Cookie` value that signs this browser in. */
  cookie(): string {
    return `${this.cookieName}=${this.token}; HttpOnly; SameSite=Strict; Path=/`
  }

  /**
   * True when the request carries the session cookie and comes from this server's own page:
   * a POST must name this origin (browsers always send Origin on POST), a GET must not be
   * cross-site by Fetch Metadata. Other sites on 127.0.0.1 share cookies across ports; this
   * keeps them out.
   */
  cookieAuthorized(req: IncomingMessage): boolean {
    const value = readCookie(req.headers.cookie, this.cookieName)
    if (!tokenMatches(value, this.token)) return false
    const origin = req.headers.origin
    const ours = origin !== undefined && ownOrigins(this.port, this.names).includes(origin)
    if (req.method !== 'GET' && req.method !== 'HEAD') return ours
    const site = req.headers['sec-fetch-site']
    return (origin === undefined || ours) && (site === undefined || site === 'same-origin')
  }

  private dropExpired(): void {
    const now = this.now()
    for (const [code, until] of this.codes) if (until <= now) this.codes.delete(code)
  }
}

/** One cookie's value from a `Cookie` header, or null. */
export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq < 0) continue
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return null
}
