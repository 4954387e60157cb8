import type { IncomingMessage } from 'node:http'
import { hostname, networkInterfaces } from 'node:os'
import { BrowserSessions, type LoginOutcome } from './browser-session'
import { bearerToken, isLoopbackPeer, LOOPBACK_NAMES, tokenMatches } from './security'
import type { AccessRole } from './viewer-access'

/** The secrets of one server: the full token (the user's), the viewer token (the room's). */
export interface AccessTokens {
  /** Everything; accepted only from this machine. */
  readonly full: string
  /** Read-only, for `--viewer`; null: no viewers. Never equal to `full`. */
  readonly viewer: string | null
}

/** What a page request carrying a secret leads to, and the cookie to set when accepted. */
export type PageLogin =
  | { readonly kind: 'none' }
  | { readonly kind: 'accepted'; readonly location: string; readonly cookie: string }
  | { readonly kind: 'refused'; readonly reason: string }

/** True for 0.0.0.0, :: and other any-address binds. */
export function isWildcard(address: string): boolean {
  return address === '0.0.0.0' || address === '::' || address === '[::]'
}

/** True when listening on `address` keeps the server on this machine. */
export function isLoopbackBind(address: string): boolean {
  return address === 'localhost' || isLoopbackPeer(address)
}

/** A host name or address as it appears in a URL (IPv6 in brackets). */
export function urlHost(address: string): string {
  return address.includes(':') && !address.startsWith('[') ? `[${address}]` : address
}

/**
 * The names a server bound to `bind` answers to: 127.0.0.1 and localhost always; a named
 * address itself; for 0.0.0.0 / :: every address of this machine's interfaces and its host
 * name. The Host header must be one of them (DNS rebinding), and so must a page's Origin.
 */
export function namesFor(bind: string): string[] {
  const names = new Set(LOOPBACK_NAMES)
  if (!isWildcard(bind)) {
    names.add(urlHost(bind))
    return [...names]
  }
  const v6 = bind !== '0.0.0.0'
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) {
      if (a.family === 'IPv4' || (v6 && !a.address.startsWith('fe80'))) {
        names.add(urlHost(a.address))
      }
    }
  }
  names.add(hostname().toLowerCase())
  return [...names]
}

/** The address this machine's own browser uses for a server bound to `bind`. */
export function localHost(bind: string): string {
  return isWildcard(bind) || bind === 'localhost' ? '127.0.0.1' : urlHost(bind)
}

/** The address other machines can use: the named one, else the first non-internal IPv4. */
export function shareHost(bind: string): string {
  if (isLoopbackBind(bind)) return localHost(bind)
  if (!isWildcard(bind)) return urlHost(bind)
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address
  }
  return hostname()
}

/** True when the peer is this machine: a loopback address, or the very address it reached. */
function fromThisMachine(req: IncomingMessage): boolean {
  const { remoteAddress, localAddress } = req.socket
  return isLoopbackPeer(remoteAddress) || (!!remoteAddress && remoteAddress === localAddress)
}

/**
 * Who a request is: `full` with the full token (bearer, or the session cookie) from this
 * machine only, `viewer` with the viewer token, else nobody. Tokens are compared in constant
 * time; both travel in the one session cookie, so a browser is one or the other.
 */
export class AccessControl {
  private readonly fullSessions: BrowserSessions
  private readonly viewerSessions: BrowserSessions | null

  constructor(
    readonly tokens: AccessTokens,
    port: number,
    readonly names: readonly string[]
  ) {
    if (tokens.full === tokens.viewer) {
      throw new Error('the viewer token must differ from the full token')
    }
    this.fullSessions = new BrowserSessions(tokens.full, port, Date.now, names)
    this.viewerSessions = tokens.viewer
      ? new BrowserSessions(tokens.viewer, port, Date.now, names)
      : null
  }

  /** The role of an API request (`presented`: a token from the query, for the event stream). */
  roleOf(req: IncomingMessage, presented: string | null = null): AccessRole | null {
    const token = presented ?? bearerToken(req)
    const { full, viewer } = this.tokens
    if (fromThisMachine(req)) {
      if (tokenMatches(token, full) || this.fullSessions.cookieAuthorized(req)) return 'full'
    }
    if (viewer && this.viewerSessions) {
      if (tokenMatches(token, viewer) || this.viewerSessions.cookieAuthorized(req)) return 'viewer'
    }
    return null
  }

  /** Exchanges a page request's `?token=` / `?once=` for the session cookie of its role. */
  login(url: URL, req: IncomingMessage): PageLogin {
    const tried: LoginOutcome[] = []
    const sessions = [fromThisMachine(req) ? this.fullSessions : null, this.viewerSessions]
    for (const s of sessions) {
      if (!s) continue
      const outcome = s.login(url)
      if (outcome.kind === 'accepted') return { ...outcome, cookie: s.cookie() }
      tried.push(outcome)
    }
    const refused = tried.find((o) => o.kind === 'refused')
    if (refused) return refused
    if (url.searchParams.has('token') || url.searchParams.has('once')) {
      return { kind: 'refused', reason: 'This link has the wrong token.' }
    }
    return { kind: 'none' }
  }

  /** A fresh one-time code for `/?once=` (full access, from this machine). */
  issueOneTimeCode(): string {
    return this.fullSessions.issueOneTimeCode()
  }
}
