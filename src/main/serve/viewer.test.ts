import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { contract, METHODS, type AppEvent } from '../../shared/contract'
import type { Deployment } from '../../shared/deploy-models'
import { createRouter, memorySettingsStore, type Router } from '../api'
import { makeSampleRepo } from '../testing/fixture-repos'
import { removeDir, tempDir } from '../testing/temp-dir'
import { AccessControl, namesFor } from './access'
import { EventStreams } from './event-stream'
import { startServer, type RunningServer } from './server'
import { VIEWER_METHODS, viewerEvent } from './viewer-access'

interface Reply {
  readonly status: number
  readonly headers: Record<string, string | string[] | undefined>
  readonly body: string
}

function send(
  port: number,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string },
  host = '127.0.0.1'
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host,
        port,
        agent: false,
        method: options.method ?? 'GET',
        path: options.path,
        headers: { host: `${host}:${port}`, ...options.headers }
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8')
          })
        )
      }
    )
    req.on('error', reject)
    req.end(options.body)
  })
}

const CHANGES = METHODS.filter((m) => contract[m].effect === 'change')

describe('viewer token', () => {
  let repo: string
  let dataDir: string
  let rendererDir: string
  let router: Router
  let server: RunningServer
  /** Methods that reached the router, and how many. */
  let reached: string[]

  const post = (method: string, token: string, body = '{}'): Promise<Reply> =>
    send(server.port, {
      method: 'POST',
      path: `/api/invoke/${encodeURIComponent(method)}`,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body
    })

  beforeEach(async () => {
    repo = makeSampleRepo()
    await writeFile(
      join(repo, 'slipway.yml'),
      'project: sample\ntest:\n  command: "true"\n  env:\n    API_KEY: hunter2-secret\n'
    )
    dataDir = await tempDir('slipway-viewer-data-')
    rendererDir = await tempDir('slipway-viewer-renderer-')
    await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Slipway</title>')
    await mkdir(join(rendererDir, 'assets'))
    router = createRouter({
      host: 'serve',
      version: '1.2.3',
      dataDir,
      settings: memorySettingsStore(),
      log: () => undefined,
      continualTesting: false
    })
    reached = []
    const spy: Router = {
      ...router,
      invoke: (method, request) => {
        reached.push(method)
        return router.invoke(method, request)
      }
    }
    server = await startServer({ router: spy, rendererDir, viewer: true })
  })
  afterEach(async () => {
    await server.close()
    await router.dispose()
    await Promise.all([repo, dataDir, rendererDir].map(removeDir))
  })

  it('is a token of its own, printed in a URL of its own', () => {
    expect(server.viewerToken).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(server.viewerToken).not.toBe(server.token)
    expect(server.viewerUrl).toBe(`http://127.0.0.1:${server.port}/?token=${server.viewerToken}`)
    expect(server.viewerUrl).not.toContain(server.token)
    expect(
      () => new AccessControl({ full: 'same', viewer: 'same' }, 1, namesFor('127.0.0.1'))
    ).toThrow(/differ/)
  })

  it('refuses every changing method of the contract with 403, whatever the body', async () => {
    expect(CHANGES.length).toBeGreaterThan(20)
    const viewer = server.viewerToken ?? ''
    for (const method of CHANGES) {
      for (const body of ['{}', 'not json', JSON.stringify({ path: repo, id: 'x', force: true })]) {
        const reply = await post(method, viewer, body)
        expect({ method, status: reply.status }).toEqual({ method, status: 403 })
        expect(JSON.parse(reply.body)).toMatchObject({ ok: false, error: { code: 'forbidden' } })
      }
    }
    // Not one of them reached the router; an unknown name or an unlisted read is refused too.
    expect(reached).toEqual([])
    expect((await post('tests.log', viewer, '{"id":"r","offset":0,"length":9}')).status).toBe(403)
    expect((await post('hosts.scan', viewer)).status).toBe(403)
    // The server's folders (the picker's browser) and its folder dialog are the user's alone.
    expect((await post('folders.list', viewer)).status).toBe(403)
    expect((await post('folders.pick', viewer)).status).toBe(403)
    expect((await post('no.such', viewer)).status).toBe(403)
    expect(reached).toEqual([])
    // The full token reaches the router with the same calls (they fail on their own terms).
    const full = await post('workspace.open', server.token, JSON.stringify({ path: repo }))
    expect(full.status).toBe(200)
    expect(reached).toEqual(['workspace.open'])
  })

  it('refuses changes to a browser signed in with the viewer link (cookie, own Origin)', async () => {
    const login = await send(server.port, { path: `/?token=${server.viewerToken}` })
    expect(login.status).toBe(303)
    const cookie = String(login.headers['set-cookie']).split(';')[0] ?? ''
    expect(cookie).not.toContain(server.token)
    const headers = { cookie, origin: `http://127.0.0.1:${server.port}` }
    for (const method of CHANGES) {
      const reply = await send(server.port, {
        method: 'POST',
        path: `/api/invoke/${method}`,
        headers,
        body: '{}'
      })
      expect({ method, status: reply.status }).toEqual({ method, status: 403 })
    }
    expect(reached).toEqual([])
    const session = await send(server.port, { path: '/api/session', headers: { cookie } })
    expect(JSON.parse(session.body)).toEqual({ ok: true, value: { role: 'viewer' } })
    const mine = await send(server.port, {
      path: '/api/session',
      headers: { authorization: `Bearer ${server.token}` }
    })
    expect(JSON.parse(mine.body)).toEqual({ ok: true, value: { role: 'full' } })
    // What the page gets carries neither token.
    const page = await send(server.port, { path: '/', headers: { cookie } })
    expect(page.body).not.toContain(server.token)
    expect(page.body).not.toContain(server.viewerToken)
  })

  it('can read the board, without the values of env maps', async () => {
    await router.openWorkspace(repo)
    const viewer = server.viewerToken ?? ''
    const branches = await post('branches.list', viewer)
    expect(branches.status).toBe(200)
    const listing = JSON.parse(branches.body) as { value: { branches: { name: string }[] } }
    expect(listing.value.branches.map((b) => b.name)).toContain('feature/ORD-1-login')
    const current = await post('workspace.current', viewer)
    expect(current.status).toBe(200)
    expect(current.body).toContain('API_KEY')
    expect(current.body).not.toContain('hunter2-secret')
    for (const method of VIEWER_METHODS) expect(contract[method].effect).toBe('read')
  })

  it('binds 127.0.0.1 unless told another address; then shares a URL others can open', async () => {
    const wide = await startServer({ router, rendererDir, viewer: true, host: '0.0.0.0' })
    try {
      expect(wide.onNetwork).toBe(true)
      const url = new URL(wide.viewerUrl ?? '')
      expect(url.hostname).not.toBe('127.0.0.1')
      // Reached at the shared address, with that Host header, the viewer reads the board.
      const reply = await send(
        wide.port,
        {
          method: 'POST',
          path: '/api/invoke/app.info',
          headers: { authorization: `Bearer ${wide.viewerToken}` }
        },
        url.hostname
      )
      expect(reply.status).toBe(200)
      const foreign = await send(wide.port, {
        path: '/',
        headers: { host: `evil.example:${wide.port}` }
      })
      expect(foreign.status).toBe(421)
    } finally {
      await wide.close()
    }
    expect(server.onNetwork).toBe(false)
  })

  it('gets live events over the stream, filtered', async () => {
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port: server.port,
          path: `/api/events?token=${encodeURIComponent(server.viewerToken ?? '')}`
        },
        resolve
      )
      req.on('error', reject)
      req.end()
    })
    expect(res.statusCode).toBe(200)
    const received = new Promise<AppEvent>((resolve) => {
      let buffer = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        buffer += chunk
        const match = /^data: (.*)$/m.exec(buffer)
        if (match?.[1]) resolve(JSON.parse(match[1]) as AppEvent)
      })
    })
    await post('workspace.open', server.token, JSON.stringify({ path: repo }))
    const event = await received
    expect(event.event).toBe('workspace.changed')
    expect(JSON.stringify(event)).not.toContain('hunter2-secret')
    res.destroy()
  })
})

describe('what a viewer hears', () => {
  const deployment: Deployment = {
    id: 'd1',
    workspace: '/w',
    kind: 'deploy',
    release: '20261126.1204-abc1234',
    environment: 'staging',
    status: 'running',
    startedBy: 'ana',
    startedAt: '2026-11-26T12:04:00Z',
    finishedAt: null,
    hosts: [
      { host: 'app1', step: 'upload', state: 'running', progress: 0.5, message: 'uploading' }
    ],
    log: ['hook: export TOKEN=s3cr3t'],
    summary: '',
    version: 3
  }

  /** A stand-in response that records what the stream writes. */
  function client(): { res: ServerResponse; written: string[] } {
    const written: string[] = []
    const res = {
      writableEnded: false,
      writeHead: () => res,
      flushHeaders: () => undefined,
      write: (chunk: string) => written.push(chunk),
      on: () => res,
      end: () => undefined
    }
    return { res: res as unknown as ServerResponse, written }
  }

  it('never gets test logs, gets deployments without their log, the user gets all', () => {
    const streams = new EventStreams(60_000)
    const user = client()
    const viewer = client()
    streams.add(user.res, 'full')
    streams.add(viewer.res, 'viewer')
    streams.send({
      event: 'tests.log',
      payload: { runId: 'r', chunk: 'PASSWORD=hunter2', offset: 0, bytes: 16 }
    })
    streams.send({ event: 'deployments.changed', payload: { deployment } })
    streams.close()
    const heard = (c: { written: string[] }): string => c.written.join('')
    expect(heard(user)).toContain('hunter2')
    expect(heard(user)).toContain('s3cr3t')
    expect(heard(viewer)).not.toContain('hunter2')
    expect(heard(viewer)).not.toContain('tests.log')
    expect(heard(viewer)).not.toContain('s3cr3t')
    expect(heard(viewer)).toContain('"progress":0.5')
  })

  it('drops build output lines and failure messages, keeps what the board shows', () => {
    const building = viewerEvent({
      event: 'releases.changed',
      payload: { kind: 'building', step: 'build', line: 'npm ERR! token=abc' }
    })
    expect(building).toEqual({
      event: 'releases.changed',
      payload: { kind: 'building', step: 'build', line: '' }
    })
    expect(viewerEvent({ event: 'branches.changed', payload: { reason: 'refs' } })).toEqual({
      event: 'branches.changed',
      payload: { reason: 'refs' }
    })
  })
})

describe('who may use the full token', () => {
  const access = new AccessControl({ full: 'F'.repeat(43), viewer: 'V'.repeat(43) }, 80, [
    '127.0.0.1',
    'localhost',
    '192.0.2.2'
  ])
  const req = (remoteAddress: string, token: string): IncomingMessage =>
    ({
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      socket: { remoteAddress, localAddress: '192.0.2.2' }
    }) as unknown as IncomingMessage

  it('takes the full token from this machine only; the viewer token from anywhere', () => {
    expect(access.roleOf(req('127.0.0.1', 'F'.repeat(43)))).toBe('full')
    expect(access.roleOf(req('::ffff:127.0.0.1', 'F'.repeat(43)))).toBe('full')
    expect(access.roleOf(req('192.0.2.2', 'F'.repeat(43)))).toBe('full')
    expect(access.roleOf(req('192.0.2.77', 'F'.repeat(43)))).toBeNull()
    expect(access.roleOf(req('192.0.2.77', 'V'.repeat(43)))).toBe('viewer')
    expect(access.roleOf(req('192.0.2.77', 'V'.repeat(42)))).toBeNull()
  })
})
