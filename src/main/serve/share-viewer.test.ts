import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { contract, METHODS } from '../../shared/contract'
import type { ViewerShare } from '../../shared/contract-viewer'
import { createRouter, memorySettingsStore, type Router } from '../api'
import { makeSampleRepo } from '../testing/fixture-repos'
import { removeDir, tempDir } from '../testing/temp-dir'
import { startServer, type RunningServer } from './server'
import { viewerStarter } from './share-viewer'

const CHANGES = METHODS.filter((m) => contract[m].effect === 'change')

/** POSTs one API call to `base` with a bearer token; answers the status and parsed body. */
async function invoke(
  base: string,
  method: string,
  token: string,
  body: unknown = {}
): Promise<{ status: number; body: { ok: boolean; value?: unknown; error?: { code: string } } }> {
  const res = await fetch(`${base}/api/invoke/${encodeURIComponent(method)}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body)
  })
  return { status: res.status, body: (await res.json()) as never }
}

describe('Share read-only… (viewer.share)', () => {
  let repo: string
  let dataDir: string
  let rendererDir: string
  let router: Router
  let app: RunningServer
  /** Methods the shared viewer server passed on to the router. */
  let reached: string[]

  beforeEach(async () => {
    repo = makeSampleRepo()
    dataDir = await tempDir('slipway-share-data-')
    rendererDir = await tempDir('slipway-share-renderer-')
    await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Slipway</title>')
    await mkdir(join(rendererDir, 'assets'))
    reached = []
    const start = viewerStarter(rendererDir, () => undefined)
    router = createRouter({
      host: 'serve',
      version: '1.2.3',
      dataDir,
      settings: memorySettingsStore(),
      log: () => undefined,
      continualTesting: false,
      // The real starter, over a router that records what the shared server lets through.
      shareViewer: (r, options) =>
        start({ ...r, invoke: (m, req) => (reached.push(m), r.invoke(m, req)) }, options)
    })
    await router.openWorkspace(repo)
    // The app as the user runs it: serve with its full token (this is how the page calls it).
    app = await startServer({ router, rendererDir, log: () => undefined })
  })
  afterEach(async () => {
    await app.close()
    await router.dispose()
    await Promise.all([repo, dataDir, rendererDir].map(removeDir))
  })

  const appBase = (): string => `http://127.0.0.1:${app.port}`

  it('starts a viewer server whose link reads the board and is refused every change', async () => {
    expect((await invoke(appBase(), 'viewer.current', app.token)).body.value).toBeNull()
    const started = await invoke(appBase(), 'viewer.share', app.token, { network: false })
    expect(started.status).toBe(200)
    const share = started.body.value as ViewerShare
    const url = new URL(share.url)
    expect(url.hostname).toBe('127.0.0.1')
    expect(share).toMatchObject({ onNetwork: false, host: '127.0.0.1', port: Number(url.port) })
    expect(share.port).not.toBe(app.port)
    const viewerToken = url.searchParams.get('token') ?? ''
    expect(viewerToken).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(share.url).not.toContain(app.token)
    // Asking again answers the same link; the app reads it back.
    expect(
      (await invoke(appBase(), 'viewer.share', app.token, { network: false })).body.value
    ).toEqual(share)
    expect((await invoke(appBase(), 'viewer.current', app.token)).body.value).toEqual(share)

    const base = `${url.protocol}//${url.host}`
    const branches = await invoke(base, 'branches.list', viewerToken)
    expect(branches.status).toBe(200)
    const names = (branches.body.value as { branches: { name: string }[] }).branches
    expect(names.map((b) => b.name)).toContain('feature/ORD-1-login')
    expect(reached).toEqual(['branches.list'])

    expect(CHANGES.length).toBeGreaterThan(30)
    for (const method of CHANGES) {
      const reply = await invoke(base, method, viewerToken, { path: repo, network: true })
      expect({ method, status: reply.status, code: reply.body.error?.code }).toEqual({
        method,
        status: 403,
        code: 'forbidden'
      })
    }
    // Nor may a viewer ask which link is shared; none of it reached the router.
    expect((await invoke(base, 'viewer.current', viewerToken)).status).toBe(403)
    expect(reached).toEqual(['branches.list'])
    // The app's own token means nothing there: that server has a full token nobody was given.
    expect((await invoke(base, 'branches.list', app.token)).status).toBe(401)

    // A browser signing in with the link gets the viewer role.
    const login = await fetch(share.url, { redirect: 'manual' })
    expect(login.status).toBe(303)
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
    const session = await fetch(`${base}/api/session`, { headers: { cookie } })
    expect(await session.json()).toEqual({ ok: true, value: { role: 'viewer' } })
  })

  it('stops: the link stops answering, and a new share is a new link', async () => {
    const first = (await invoke(appBase(), 'viewer.share', app.token, { network: false })).body
      .value as ViewerShare
    const stopped = await invoke(appBase(), 'viewer.stop', app.token)
    expect(stopped).toEqual({ status: 200, body: { ok: true, value: null } })
    await expect(fetch(first.url, { redirect: 'manual' })).rejects.toThrow()
    expect((await invoke(appBase(), 'viewer.current', app.token)).body.value).toBeNull()
    const second = (await invoke(appBase(), 'viewer.share', app.token, { network: false })).body
      .value as ViewerShare
    expect(second.url).not.toBe(first.url)
    // Disposing the router (the app quits, serve stops) ends the share too.
    await router.dispose()
    await expect(fetch(second.url, { redirect: 'manual' })).rejects.toThrow()
  })

  it('shares on the network when asked: one link for other machines, on every address', async () => {
    const share = (await invoke(appBase(), 'viewer.share', app.token, { network: true })).body
      .value as ViewerShare
    expect(share.onNetwork).toBe(true)
    const url = new URL(share.url)
    expect(url.hostname).toBe(share.host)
    // Reachable from this machine on loopback too.
    const token = url.searchParams.get('token') ?? ''
    const reply = await invoke(`http://127.0.0.1:${url.port}`, 'workspace.current', token)
    expect(reply.status).toBe(200)
  })

  it('is refused by a host that cannot serve the page (one-shot CLI routers)', async () => {
    const bare = createRouter({
      host: 'serve',
      version: '1.2.3',
      dataDir,
      settings: memorySettingsStore(),
      log: () => undefined,
      continualTesting: false
    })
    const result = await bare.call('viewer.share', { network: false })
    expect(result).toMatchObject({ ok: false, error: { code: 'bad-request' } })
    await bare.dispose()
  })
})
