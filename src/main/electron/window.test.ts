import type { BrowserWindowConstructorOptions } from 'electron'
import { describe, expect, it } from 'vitest'
import { createMainWindow } from './window'
import { electronCsp } from './csp'
import { CONTENT_SECURITY_POLICY } from '../serve/security'

/** Stands in for BrowserWindow: keeps the options it was made with. */
class RecordedWindow {
  constructor(readonly options: BrowserWindowConstructorOptions) {}
}

describe('createMainWindow', () => {
  it('isolates and sandboxes the renderer with the one preload', () => {
    const win = createMainWindow(RecordedWindow, '/app/out/preload/index.cjs', { production: true })
    expect(win.options.webPreferences).toEqual({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      disableBlinkFeatures: 'Auxclick',
      spellcheck: false,
      devTools: false
    })
    expect(win.options.show).toBe(false)
  })
  it('allows devtools only outside production', () => {
    const win = createMainWindow(RecordedWindow, '/p', { production: false })
    expect(win.options.webPreferences?.devTools).toBe(true)
  })
})

describe('electronCsp', () => {
  it('is the serve policy without inline styles, plugins or <base> in production', () => {
    const csp = electronCsp(undefined)
    expect(csp).toContain("style-src 'self';")
    expect(csp).not.toContain('unsafe-inline')
    expect(csp).toContain("object-src 'none'")
    expect(csp).toContain("base-uri 'none'")
    for (const directive of CONTENT_SECURITY_POLICY.split('; ')) {
      if (!directive.startsWith('style-src')) expect(csp).toContain(directive)
    }
  })
  it('adds only the dev server origin in development', () => {
    const csp = electronCsp('http://localhost:5173/')
    expect(csp).toContain("connect-src 'self' http://localhost:5173 ws://localhost:5173")
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).not.toContain('*')
  })
})
