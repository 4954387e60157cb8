import { readFileSync } from 'node:fs'
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { mkdir, writeFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { AppEvent } from '../../shared/contract'
import { createRouter, memorySettingsStore, type Router } from '../api'
import { makeSampleRepo } from '../testing/fixture-repos'
import { removeDir, tempDir } from '../testing/temp-dir'
import { CONTENT_SECURITY_POLICY } from './security'
import { startServer, type RunningServer } from './server'

interface Reply {
  readonly status: number
  readonly headers: Record<string, string | string[] | undefined>
  readonly body: string
}

/** One raw HTTP request (so tests can set any Host header, which fetch forbids). */
function send(
  port: number,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string }
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        agent: false,
        method: options.method ?? 'GET',
        path: options.path,
        headers: { host: `127.0.0.1:${port}`, ...options.headers }
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

/** The local addresses of the TCP sockets listening on `port`, from /proc/net/tcp{,6} (Linux). */
function listeningAddresses(port: number): string[] {
  const out: string[] = []
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const [local, , state] = line.trim().split(/\s+/).slice(1, 4)
      if (!local || state !== '0A') continue
      const [hex, portHex] = local.split(':')
      if (parseInt(portHex, 16) !== port) continue
      out.push(
        hex.length === 8
          ? (hex.match(/../g) as string[])
              .map((b) => parseInt(b, 16))
              .reverse()
              .join('.')
          : `[${hex}]`
      )
    }
  }
  return out
}

/** Whether a TCP connection to address:port is accepted. */
function accepts(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

/** Opens the event stream; resolves with the response once its headers arrive. */
function openEvents(port: number, token: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, path: `/api/events?token=${encodeURIComponent(token)}` },
      resolve
    )
    req.on('error', reject)
    req.end()
  })
}

describe('serve host', () => {
  let repo: string
  let dataDir: string
  let rendererDir: string
  let router: Router
  let server: RunningServer

  const invoke = (method: string, body: string | undefined, token = server.token): Promise<Reply> =>
    send(server.port, {
      method: 'POST',
      path: `/api/invoke/${method}`,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body
    })

  beforeEach(async () => {
    repo = await makeSampleRepo()
    dataDir = await tempDir('slipway-serve-data-')
    rendererDir = await tempDir('slipway-renderer-')
    await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Slipway</title>')
    await mkdir(join(rendererDir, 'assets'))
    await writeFile(join(rendererDir, 'assets', 'app-123.js'), 'console.log(1)')
    await writeFile(join(rendererDir, 'assets', 'app-123.css'), 'body{}')
    await writeFile(join(dataDir, 'secret.txt'), 'do not serve')
    router = createRouter({
      host: 'serve',
      version: '1.2.3',
      dataDir,
      settings: memorySettingsStore(),
      log: () => undefined
    })
    server = await startServer({ router, rendererDir })
  })
  afterEach(async () => {
    await server.close()
    await router.dispose()
    await Promise.all([repo, dataDir, rendererDir].map(removeDir))
  })

  it('listens on 127.0.0.1 only with a fresh 32-byte base64url token in the URL', async () => {
    expect(listeningAddresses(server.port)).toEqual(['127.0.0.1'])
    expect(await accepts('127.0.0.1', server.port)).toBe(true)
    // All of 127/8 reaches this machine: a server on 0.0.0.0 would accept this one too.
    expect(await accepts('127.0.0.2', server.port)).toBe(false)
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`)
    expect(server.token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    const again = await startServer({ router, rendererDir })
    try {
      expect(again.token).not.toBe(server.token)
      expect(again.port).not.toBe(server.port)
    } finally {
      await again.close()
    }
  })

  it('refuses API calls without a token or with a wrong one (401)', async () => {
    const none = await send(server.port, { method: 'POST', path: '/api/invoke/workspace.current' })
    expect(none.status).toBe(401)
    expect(JSON.parse(none.body)).toMatchObject({ ok: false, error: { code: 'unauthorized' } })
    // Differs from the real token in its last character only.
    const last = server.token.endsWith('A') ? 'B' : 'A'
    const wrong = await invoke('workspace.current', '{}', `${server.token.slice(0, -1)}${last}`)
    expect(wrong.status).toBe(401)
    const short = await invoke('workspace.current', '{}', 'x')
    expect(short.status).toBe(401)
  })

  it('answers 200 with the ApiResult for a good call, empty body meaning {}', async () => {
    const current = await invoke('workspace.current', undefined)
    expect(current.status).toBe(200)
    expect(JSON.parse(current.body)).toEqual({ ok: true, value: null })
    expect(current.headers['content-type']).toBe('application/json; charset=utf-8')

    const opened = await invoke('workspace.open', JSON.stringify({ path: repo }))
    expect(opened.status).toBe(200)
    expect(JSON.parse(opened.body)).toMatchObject({ ok: true, value: { path: repo } })
    const listed = JSON.parse((await invoke('branches.list', '{"refresh":true}')).body)
    expect(listed.value.branches).toHaveLength(3)
  })

  it('maps error codes to statuses: 400 bad-request / unknown-method / no-workspace, 404', async () => {
    const bad = await invoke('workspace.open', '{"path": 3}')
    expect(bad.status).toBe(400)
    expect(JSON.parse(bad.body).error.code).toBe('bad-request')
    expect((await invoke('nope.nothing', '{}')).status).toBe(400)
    expect(JSON.parse((await invoke('nope.nothing', '{}')).body).error.code).toBe('unknown-method')
    const noWs = await invoke('branches.list', '{}')
    expect(noWs.status).toBe(400)
    expect(JSON.parse(noWs.body).error.code).toBe('no-workspace')
    await invoke('workspace.open', JSON.stringify({ path: repo }))
    const missing = await invoke('branches.commits', '{"name":"nope"}')
    expect(missing.status).toBe(404)
    const unknownApi = await send(server.port, {
      path: '/api/other',
      headers: { authorization: `Bearer ${server.token}` }
    })
    expect(unknownApi.status).toBe(404)
  })

  it('answers 400 for malformed JSON and 413 for a body over 1 MiB', async () => {
    const malformed = await invoke('workspace.open', '{"path":')
    expect(malformed.status).toBe(400)
    expect(JSON.parse(malformed.body).error).toEqual({
      code: 'bad-request',
      message: 'The request body is not valid JSON'
    })
    const big = await invoke(
      'workspace.open',
      JSON.stringify({ path: 'x'.repeat(1024 * 1024 + 10) })
    )
    expect(big.status).toBe(413)
    expect(JSON.parse(big.body).error.code).toBe('bad-request')
  })

  it('refuses a foreign Host header (DNS rebinding) with 421 and a foreign Origin with 403', async () => {
    const rebound = await send(server.port, {
      method: 'POST',
      path: '/api/invoke/workspace.current',
      headers: { host: `evil.example:${server.port}`, authorization: `Bearer ${server.token}` }
    })
    expect(rebound.status).toBe(421)
    const wrongPort = await send(server.port, { path: '/', headers: { host: '127.0.0.1:1' } })
    expect(wrongPort.status).toBe(421)
    const localhost = await send(server.port, {
      path: '/',
      headers: { host: `localhost:${server.port}` }
    })
    expect(localhost.status).toBe(200)
    const crossOrigin = await send(server.port, {
      method: 'POST',
      path: '/api/invoke/workspace.current',
      headers: { origin: 'http://evil.example', authorization: `Bearer ${server.token}` }
    })
    expect(crossOrigin.status).toBe(403)
  })

  it('serves the renderer with MIME types, SPA fallback and security headers', async () => {
    // The printed URL signs the browser in with a cookie and drops the token from the address.
    const login = await send(server.port, { path: `/?token=${server.token}` })
    expect(login.status).toBe(303)
    expect(login.headers.location).toBe('/')
    expect(login.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY)
    const index = await send(server.port, { path: '/' })
    expect(index.status).toBe(200)
    expect(index.body).toContain('<title>Slipway</title>')
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(index.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY)
    expect(index.headers['x-content-type-options']).toBe('nosniff')
    expect(index.headers['referrer-policy']).toBe('no-referrer')

    const js = await send(server.port, { path: '/assets/app-123.js' })
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8')
    expect(js.body).toBe('console.log(1)')
    expect((await send(server.port, { path: '/assets/app-123.css' })).headers['content-type']).toBe(
      'text/css; charset=utf-8'
    )
    const route = await send(server.port, { path: '/workspace/branches' })
    expect(route.status).toBe(200)
    expect(route.body).toContain('<title>Slipway</title>')
    expect((await send(server.port, { path: '/assets/missing.js' })).status).toBe(404)
    // Security headers on API answers and errors too.
    const denied = await send(server.port, { method: 'POST', path: '/api/invoke/app.info' })
    expect(denied.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY)
  })

  it('never serves files outside the renderer folder', async () => {
    const rel = `../${dataDir.split('/').pop()}/secret.txt`
    for (const path of [
      `/${rel}`,
      `/%2e%2e/${dataDir.split('/').pop()}/secret.txt`,
      '/..%2f..%2fetc%2fpasswd',
      '/assets/..%5c..%5csecret.txt',
      '/%00index.html'
    ]) {
      const reply = await send(server.port, { path })
      expect(reply.body).not.toContain('do not serve')
      expect(reply.body).not.toContain('root:')
    }
  })

  it('streams events over SSE to a client with the token, and ends streams on close', async () => {
    const unauthorized = await send(server.port, { path: '/api/events?token=wrong' })
    expect(unauthorized.status).toBe(401)

    // The server registers the client in the same step as it sends the headers.
    const res = await openEvents(server.port, server.token)
    const received = new Promise<AppEvent>((resolve, reject) => {
      let buffer = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        buffer += chunk
        const match = /^data: (.*)$/m.exec(buffer)
        if (match?.[1]) resolve(JSON.parse(match[1]) as AppEvent)
      })
      res.on('end', () => reject(new Error(`stream ended: ${buffer}`)))
    })
    await invoke('workspace.open', JSON.stringify({ path: repo }))
    const event = await received
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8')
    expect(event.event).toBe('workspace.changed')
    expect(event.payload).toMatchObject({ workspace: { path: repo } })
  })

  it('close() ends open event streams and stops listening', async () => {
    const res = await openEvents(server.port, server.token)
    const ended = new Promise<void>((resolve) => {
      res.resume()
      res.on('end', () => resolve())
      res.on('close', () => resolve())
    })
    await server.close()
    await ended
    await expect(send(server.port, { path: '/' })).rejects.toThrow(/ECONNREFUSED/)
  })

  it('reports a port in use as a clear conflict', async () => {
    await expect(startServer({ router, rendererDir, port: server.port })).rejects.toMatchObject({
      code: 'conflict',
      message: `Port ${server.port} is already in use`
    })
  })
})
