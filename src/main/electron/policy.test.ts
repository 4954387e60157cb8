import { describe, expect, it } from 'vitest'
import {
  isAllowedExternalUrl,
  isAllowedPermission,
  isTrustedSender,
  navigationPolicy
} from './policy'

const packaged = 'file:///opt/slipway/resources/app/out/renderer/index.html'
const dev = 'http://localhost:5173'

const appPage = 'app://slipway/index.html'

describe('isTrustedSender', () => {
  it('trusts the app:// page itself, whatever its hash or query, and nothing else', () => {
    expect(isTrustedSender(appPage, appPage)).toBe(true)
    expect(isTrustedSender(`${appPage}#/branches`, appPage)).toBe(true)
    expect(isTrustedSender(`${appPage}?x=1`, appPage)).toBe(true)
    expect(isTrustedSender('app://slipway/assets/evil.html', appPage)).toBe(false)
    expect(isTrustedSender('app://other/index.html', appPage)).toBe(false)
    expect(isTrustedSender('file:///index.html', appPage)).toBe(false)
    expect(isTrustedSender('https://slipway/index.html', appPage)).toBe(false)
  })
  it('trusts the packaged page itself, whatever its hash or query', () => {
    expect(isTrustedSender(packaged, packaged)).toBe(true)
    expect(isTrustedSender(`${packaged}#/branches`, packaged)).toBe(true)
    expect(isTrustedSender(`${packaged}?x=1`, packaged)).toBe(true)
  })
  it('refuses other files, other schemes and garbage', () => {
    expect(isTrustedSender('file:///tmp/evil.html', packaged)).toBe(false)
    expect(
      isTrustedSender('file:///opt/slipway/resources/app/out/renderer/other.html', packaged)
    ).toBe(false)
    expect(isTrustedSender('https://example.com/', packaged)).toBe(false)
    expect(isTrustedSender('', packaged)).toBe(false)
    expect(isTrustedSender('about:blank', packaged)).toBe(false)
    expect(isTrustedSender('not a url', packaged)).toBe(false)
  })
  it('trusts exactly the dev server origin in development', () => {
    expect(isTrustedSender('http://localhost:5173/', dev)).toBe(true)
    expect(isTrustedSender('http://localhost:5173/src/main.tsx', dev)).toBe(true)
    expect(isTrustedSender('http://localhost:5174/', dev)).toBe(false)
    expect(isTrustedSender('http://127.0.0.1:5173/', dev)).toBe(false)
    expect(isTrustedSender('https://localhost:5173/', dev)).toBe(false)
    expect(isTrustedSender('http://localhost:5173.evil.com/', dev)).toBe(false)
  })
})

describe('isAllowedExternalUrl', () => {
  it('allows https links to the allow-listed hosts only', () => {
    expect(isAllowedExternalUrl('https://github.com/slipway/slipway')).toBe(true)
    expect(isAllowedExternalUrl('https://git-scm.com/docs/git-worktree')).toBe(true)
    expect(isAllowedExternalUrl('http://github.com/')).toBe(false)
    expect(isAllowedExternalUrl('https://github.com.evil.com/')).toBe(false)
    expect(isAllowedExternalUrl('https://user:pw@github.com/')).toBe(false)
    expect(isAllowedExternalUrl('https://github.com:8443/')).toBe(false)
    expect(isAllowedExternalUrl('file:///etc/passwd')).toBe(false)
    expect(isAllowedExternalUrl('javascript:alert(1)')).toBe(false)
    expect(isAllowedExternalUrl('smb://github.com/share')).toBe(false)
  })
})

describe('navigationPolicy', () => {
  it('allows in-app navigation, sends allow-listed links out, denies the rest', () => {
    expect(navigationPolicy(`${packaged}#/x`, packaged)).toEqual({ kind: 'allow' })
    expect(navigationPolicy('https://github.com/a', packaged)).toEqual({
      kind: 'open-external',
      url: 'https://github.com/a'
    })
    expect(navigationPolicy('https://evil.example/', packaged)).toEqual({ kind: 'deny' })
    expect(navigationPolicy('file:///etc/passwd', packaged)).toEqual({ kind: 'deny' })
  })
  it('never opens a new window, even on the app page', () => {
    expect(navigationPolicy(packaged, packaged, true)).toEqual({ kind: 'deny' })
    expect(navigationPolicy('https://github.com/', packaged, true).kind).toBe('open-external')
  })
})

describe('isAllowedPermission', () => {
  it('grants notifications to the app page only, and nothing else to anyone', () => {
    expect(isAllowedPermission('notifications', packaged, packaged)).toBe(true)
    expect(isAllowedPermission('notifications', 'https://example.com/', packaged)).toBe(false)
    for (const p of ['media', 'geolocation', 'clipboard-read', 'openExternal', 'fullscreen']) {
      expect(isAllowedPermission(p, packaged, packaged)).toBe(false)
    }
  })
})
