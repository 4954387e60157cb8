import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'

/** The Content-Security-Policy every `serve` response carries. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; connect-src 'self'; img-src 'self' data:; " +
  "style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'"

/** A fresh session token: 32 random bytes, base64url. */
export function newToken(): string {
  return randomBytes(32).toString('base64url')
}

/** Compares a presented token with the real one in constant time (hashing equalises lengths). */
export function tokenMatches(presented: string | null | undefined, token: string): boolean {
  if (typeof presented !== 'string' || presented.length === 0) return false
  const a = createHash('sha256').update(presented).digest()
  const b = createHash('sha256').update(token).digest()
  return timingSafeEqual(a, b)
}

/** The bearer token of an `Authorization: Bearer …` header, or null. */
export function bearerToken(req: IncomingMessage): string | null {
  const header = req.headers.authorization
  if (!header) return null
  const match = /^Bearer\s+(\S+)$/i.exec(header)
  return match?.[1] ?? null
}

/** The names this server answers to when it listens on 127.0.0.1 only. */
export const LOOPBACK_NAMES: readonly string[] = ['127.0.0.1', 'localhost']

/**
 * True when the Host header names this server (`127.0.0.1:<port>`, `localhost:<port>`, or one of
 * `names` when it listens on another address). Anything else is a DNS-rebinding attempt: a
 * foreign name resolved to our address.
 */
export function hostAllowed(
  host: string | undefined,
  port: number,
  names: readonly string[] = LOOPBACK_NAMES
): boolean {
  if (!host) return false
  const h = host.toLowerCase()
  return names.some((name) => h === `${name.toLowerCase()}:${port}`)
}

/** The origins of this server's own pages: `http://<name>:<port>` for each name. */
export function ownOrigins(port: number, names: readonly string[] = LOOPBACK_NAMES): string[] {
  return names.map((name) => `http://${name.toLowerCase()}:${port}`)
}

/**
 * True when a browser-sent Origin (if any) is this server; a page on another origin must not
 * drive the API even if it somehow learnt the token.
 */
export function originAllowed(
  origin: string | undefined,
  port: number,
  names: readonly string[] = LOOPBACK_NAMES
): boolean {
  if (origin === undefined) return true
  return ownOrigins(port, names).includes(origin.toLowerCase())
}

/** True for a peer on this machine (127.0.0.0/8, ::1, or IPv4 loopback mapped into IPv6). */
export function isLoopbackPeer(address: string | undefined): boolean {
  if (!address) return false
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address
  return v4.startsWith('127.') || address === '::1'
}

/** Sets the security headers every response carries. */
export function setSecurityHeaders(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY)
  res.setHeader('X-Content-Type-Options', 'nosniff')
  res.setHeader('Referrer-Policy', 'no-referrer')
  res.setHeader('X-Frame-Options', 'DENY')
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin')
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin')
}
