import type { IncomingMessage } from 'node:http'
import { describe, expect, it } from 'vitest'
import { BrowserSessions, ONE_TIME_LINK_MS, readCookie } from './browser-session'

const TOKEN = 'the-session-token-0123456789abcdefghijkl'
const PORT = 4321
const ORIGIN = `http://127.0.0.1:${PORT}`

function req(method: string, headers: Record<string, string>): IncomingMessage {
  return { method, headers } as unknown as IncomingMessage
}

describe('BrowserSessions', () => {
  it('exchanges the printed token for a cookie and a redirect without it, every time', () => {
    const s = new BrowserSessions(TOKEN, PORT)
    const url = new URL(`${ORIGIN}/board?x=1&token=${TOKEN}`)
    expect(s.login(url)).toEqual({ kind: 'accepted', location: '/board?x=1' })
    expect(s.login(url)).toEqual({ kind: 'accepted', location: '/board?x=1' })
    expect(s.login(new URL(`${ORIGIN}/?token=nope`)).kind).toBe('refused')
    expect(s.login(new URL(`${ORIGIN}/`))).toEqual({ kind: 'none' })
    expect(s.cookie()).toBe(`slipway_session_${PORT}=${TOKEN}; HttpOnly; SameSite=Strict; Path=/`)
  })

  it('accepts a one-time code once, and not after it expired', () => {
    let now = 1_000
    const s = new BrowserSessions(TOKEN, PORT, () => now)
    const code = s.issueOneTimeCode()
    expect(code).not.toContain(TOKEN)
    expect(s.login(new URL(`${ORIGIN}/?once=${code}`))).toEqual({ kind: 'accepted', location: '/' })
    expect(s.login(new URL(`${ORIGIN}/?once=${code}`))).toMatchObject({ kind: 'refused' })
    const late = s.issueOneTimeCode()
    now += ONE_TIME_LINK_MS
    expect(s.login(new URL(`${ORIGIN}/?once=${late}`))).toMatchObject({ kind: 'refused' })
  })

  it('takes the cookie only from this server’s own page', () => {
    const s = new BrowserSessions(TOKEN, PORT)
    const cookie = `other=1; slipway_session_${PORT}=${TOKEN}`
    expect(s.cookieAuthorized(req('POST', { cookie, origin: ORIGIN }))).toBe(true)
    // A POST without Origin, or from another site on 127.0.0.1 (cookies ignore ports).
    expect(s.cookieAuthorized(req('POST', { cookie }))).toBe(false)
    expect(s.cookieAuthorized(req('POST', { cookie, origin: 'http://127.0.0.1:9999' }))).toBe(false)
    // The event stream: same-origin GET, or a client without Fetch Metadata.
    expect(s.cookieAuthorized(req('GET', { cookie, 'sec-fetch-site': 'same-origin' }))).toBe(true)
    expect(s.cookieAuthorized(req('GET', { cookie }))).toBe(true)
    expect(s.cookieAuthorized(req('GET', { cookie, 'sec-fetch-site': 'same-site' }))).toBe(false)
    expect(s.cookieAuthorized(req('GET', { cookie, 'sec-fetch-site': 'cross-site' }))).toBe(false)
    // Another port's cookie, or a wrong value.
    expect(
      s.cookieAuthorized(req('POST', { cookie: `slipway_session_1=${TOKEN}`, origin: ORIGIN }))
    ).toBe(false)
    expect(
      s.cookieAuthorized(req('POST', { cookie: `slipway_session_${PORT}=x`, origin: ORIGIN }))
    ).toBe(false)
  })

  it('reads one cookie from a header', () => {
    expect(readCookie('a=1; b = 2 ;c=3', 'b')).toBe('2')
    expect(readCookie('a=1', 'b')).toBeNull()
    expect(readCookie(undefined, 'b')).toBeNull()
  })
})
