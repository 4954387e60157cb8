import { describe, expect, it } from 'vitest'
import { windowOptions } from './window'
import { electronCsp } from './csp'
import { CONTENT_SECURITY_POLICY } from '../serve/security'

describe('windowOptions', () => {
  it('isolates and sandboxes the renderer with the one preload', () => {
    const prefs = windowOptions('/app/out/preload/index.cjs', { production: true }).webPreferences
    expect(prefs).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      devTools: false
    })
  })
  it('allows devtools only outside production', () => {
    expect(windowOptions('/p', { production: false }).webPreferences?.devTools).toBe(true)
  })
})

describe('electronCsp', () => {
  it('is the serve policy in production', () => {
    expect(electronCsp(undefined)).toBe(CONTENT_SECURITY_POLICY)
  })
  it('adds only the dev server origin in development', () => {
    const csp = electronCsp('http://localhost:5173/')
    expect(csp).toContain("connect-src 'self' http://localhost:5173 ws://localhost:5173")
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).not.toContain('*')
  })
})
