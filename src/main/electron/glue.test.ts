// The Electron glue run against small stand-ins for ipcMain, WebContents, App and Session:
// the Electron e2e spec needs a real binary, and these hooks must hold without one.
import { EventEmitter } from 'node:events'
import type { App, IpcMainInvokeEvent, Session, WebContents } from 'electron'
import { describe, expect, it } from 'vitest'
import type { AppEvent } from '../../shared/contract'
import type { ApiResult } from '../../shared/errors'
import type { Router } from '../api'
import { applySessionPolicy, hardenWebContents } from './harden'
import { connectIpc, EVENT_CHANNEL, INVOKE_CHANNEL } from './ipc'

const appUrl = 'file:///opt/slipway/resources/app/out/renderer/index.html'

type Handler = (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>

/** ipcMain's handle/removeHandler, refusing a second handler for a channel as Electron does. */
class StandInIpcMain {
  readonly handlers = new Map<string, Handler>()
  handle(channel: string, handler: Handler): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`)
    this.handlers.set(channel, handler)
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel)
  }
  call(sender: unknown, frameUrl: string | null, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(INVOKE_CHANNEL)
    if (!handler) throw new Error('no handler')
    const senderFrame = frameUrl === null ? null : { url: frameUrl }
    return handler({ sender, senderFrame } as unknown as IpcMainInvokeEvent, ...args)
  }
}

/** A window's WebContents: what was sent to it, and whether it is destroyed. */
function standInContents(): WebContents & { sent: unknown[][]; destroyed: boolean } {
  const contents = {
    sent: [] as unknown[][],
    destroyed: false,
    isDestroyed: () => contents.destroyed,
    send: (channel: string, payload: unknown) => contents.sent.push([channel, payload])
  }
  return contents as unknown as WebContents & { sent: unknown[][]; destroyed: boolean }
}

/** A router that records what reached it and lets the test emit events. */
function recordingRouter(): Router & { calls: unknown[][]; emit(e: AppEvent): void } {
  const listeners = new Set<(e: AppEvent) => void>()
  const calls: unknown[][] = []
  const router = {
    calls,
    emit: (e: AppEvent) => listeners.forEach((l) => l(e)),
    invoke: async (method: string, request: unknown): Promise<ApiResult<unknown>> => {
      calls.push([method, request])
      return { ok: true, value: { method } }
    },
    onEvent: (l: (e: AppEvent) => void) => {
      listeners.add(l)
      return () => listeners.delete(l)
    }
  }
  return router as unknown as Router & { calls: unknown[][]; emit(e: AppEvent): void }
}

const anEvent = { type: 'workspace.changed' } as unknown as AppEvent

describe('connectIpc', () => {
  it('serves the app page of its window', async () => {
    const ipc = new StandInIpcMain()
    const router = recordingRouter()
    const win = standInContents()
    connectIpc(ipc, router, win, appUrl)
    const answer = await ipc.call(win, `${appUrl}#/board`, 'app.info', { a: 1 })
    expect(answer).toEqual({ ok: true, value: { method: 'app.info' } })
    expect(router.calls).toEqual([['app.info', { a: 1 }]])
  })

  it('refuses another sender, another frame and a missing frame, without calling the router', async () => {
    const ipc = new StandInIpcMain()
    const router = recordingRouter()
    const win = standInContents()
    connectIpc(ipc, router, win, appUrl)
    const refused = {
      ok: false,
      error: { code: 'unauthorized', message: 'Calls are accepted from the Slipway window only' }
    }
    expect(await ipc.call(standInContents(), appUrl, 'app.info', {})).toEqual(refused)
    expect(await ipc.call(win, 'file:///tmp/evil.html', 'app.info', {})).toEqual(refused)
    expect(await ipc.call(win, 'https://example.com/', 'app.info', {})).toEqual(refused)
    expect(await ipc.call(win, null, 'app.info', {})).toEqual(refused)
    expect(router.calls).toEqual([])
  })

  it('passes a method that is not a string on as the empty name', async () => {
    const ipc = new StandInIpcMain()
    const router = recordingRouter()
    const win = standInContents()
    connectIpc(ipc, router, win, appUrl)
    await ipc.call(win, appUrl, { toString: () => 'app.info' }, null)
    expect(router.calls).toEqual([['', null]])
  })

  it('forwards events to the window while it lives, and undoes everything on disconnect', async () => {
    const ipc = new StandInIpcMain()
    const router = recordingRouter()
    const win = standInContents()
    const disconnect = connectIpc(ipc, router, win, appUrl)
    router.emit(anEvent)
    expect(win.sent).toEqual([[EVENT_CHANNEL, anEvent]])
    win.destroyed = true
    router.emit(anEvent)
    expect(win.sent).toHaveLength(1)

    disconnect()
    expect(ipc.handlers.size).toBe(0)
    win.destroyed = false
    router.emit(anEvent)
    expect(win.sent).toHaveLength(1)
    // A new window can connect again (no second handler left behind).
    expect(() => connectIpc(ipc, router, standInContents(), appUrl)).not.toThrow()
  })
})

/** A web contents: its listeners and its window-open handler. */
class StandInContents extends EventEmitter {
  openHandler: ((d: { url: string }) => { action: string }) | null = null
  setWindowOpenHandler(h: (d: { url: string }) => { action: string }): void {
    this.openHandler = h
  }
  /** Emits `name` with a preventable event; true when a listener prevented it. */
  attempt(name: string, url?: string): boolean {
    let prevented = false
    this.emit(name, { preventDefault: () => (prevented = true) }, url)
    return prevented
  }
}

function hardened(): { contents: StandInContents; opened: string[] } {
  const app = new EventEmitter()
  const opened: string[] = []
  hardenWebContents(app as unknown as App, appUrl, (url) => opened.push(url))
  const contents = new StandInContents()
  app.emit('web-contents-created', {}, contents)
  return { contents, opened }
}

describe('hardenWebContents', () => {
  it('prevents navigation away from the app page', () => {
    const { contents, opened } = hardened()
    expect(contents.attempt('will-navigate', 'https://evil.example/')).toBe(true)
    expect(contents.attempt('will-navigate', 'file:///etc/passwd')).toBe(true)
    expect(opened).toEqual([])
  })

  it('lets the page move within itself', () => {
    const { contents } = hardened()
    expect(contents.attempt('will-navigate', `${appUrl}#/branches`)).toBe(false)
    expect(contents.attempt('will-redirect', `${appUrl}?x=1`)).toBe(false)
  })

  it('sends allow-listed links to the system browser instead of navigating', () => {
    const { contents, opened } = hardened()
    expect(contents.attempt('will-navigate', 'https://github.com/slipway')).toBe(true)
    expect(opened).toEqual(['https://github.com/slipway'])
  })

  it('prevents redirects away, webviews, and every new window', () => {
    const { contents, opened } = hardened()
    expect(contents.attempt('will-redirect', 'https://evil.example/')).toBe(true)
    expect(contents.attempt('will-attach-webview')).toBe(true)
    expect(contents.openHandler?.({ url: appUrl })).toEqual({ action: 'deny' })
    expect(contents.openHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' })
    expect(contents.openHandler?.({ url: 'https://github.com/x' })).toEqual({ action: 'deny' })
    expect(opened).toEqual(['https://github.com/x'])
  })
})

type HeadersFn = (
  d: { responseHeaders?: Record<string, string[]> },
  cb: (r: { responseHeaders: Record<string, string[]> }) => void
) => void
type RequestFn = (c: { getURL(): string }, p: string, cb: (ok: boolean) => void) => void
type CheckFn = (c: { getURL(): string } | null, p: string, origin: string) => boolean

function policedSession(): { headers: HeadersFn; request: RequestFn; check: CheckFn } {
  const got: { headers?: HeadersFn; request?: RequestFn; check?: CheckFn } = {}
  const session = {
    webRequest: { onHeadersReceived: (fn: HeadersFn) => (got.headers = fn) },
    setPermissionRequestHandler: (fn: RequestFn) => (got.request = fn),
    setPermissionCheckHandler: (fn: CheckFn) => (got.check = fn)
  }
  applySessionPolicy(session as unknown as Session, appUrl, "default-src 'self'")
  if (!got.headers || !got.request || !got.check) throw new Error('a handler was not set')
  return got as { headers: HeadersFn; request: RequestFn; check: CheckFn }
}

function requested(request: RequestFn, url: string, permission: string): boolean {
  let answer: boolean | null = null
  request({ getURL: () => url }, permission, (ok) => (answer = ok))
  if (answer === null) throw new Error('the request handler never answered')
  return answer
}

describe('applySessionPolicy', () => {
  it('adds the CSP header to every response, keeping the others', () => {
    const { headers } = policedSession()
    let result: Record<string, string[]> = {}
    headers(
      { responseHeaders: { 'X-Frame-Options': ['DENY'] } },
      (r) => (result = r.responseHeaders)
    )
    expect(result).toEqual({
      'X-Frame-Options': ['DENY'],
      'Content-Security-Policy': ["default-src 'self'"]
    })
    headers({}, (r) => (result = r.responseHeaders))
    expect(result).toEqual({ 'Content-Security-Policy': ["default-src 'self'"] })
  })

  it('denies every permission but notifications, and those to the app page only', () => {
    const { request, check } = policedSession()
    expect(requested(request, appUrl, 'notifications')).toBe(true)
    for (const p of ['media', 'geolocation', 'clipboard-read', 'openExternal', 'fullscreen']) {
      expect(requested(request, appUrl, p)).toBe(false)
      expect(check({ getURL: () => appUrl }, p, 'file:///')).toBe(false)
    }
    expect(requested(request, 'https://evil.example/', 'notifications')).toBe(false)
    expect(check({ getURL: () => appUrl }, 'notifications', 'file:///')).toBe(true)
    expect(check(null, 'notifications', 'https://evil.example')).toBe(false)
  })
})
