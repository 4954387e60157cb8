import { connect } from 'node:net'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createRouter, memorySettingsStore, type Router } from '../api'
import { removeDir, tempDir } from '../testing/temp-dir'
import { pathOf, requestUrl, SERVER_TIMEOUTS, startServer, type RunningServer } from './server'

/** Writes raw bytes (any request line) and answers the status line and body. */
function raw(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => socket.write(text))
    const chunks: Buffer[] = []
    socket.on('data', (c: Buffer) => chunks.push(c))
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    socket.on('error', reject)
  })
}

describe('serve hygiene', () => {
  let dataDir: string
  let rendererDir: string
  let router: Router
  let server: RunningServer
  let logged: string[]

  const start = async (r: Router): Promise<void> => {
    server = await startServer({
      router: r,
      rendererDir,
      log: (message, err) => logged.push(`${message} ${err instanceof Error ? err.stack : ''}`)
    })
  }

  beforeEach(async () => {
    logged = []
    dataDir = await tempDir('slipway-hygiene-data-')
    rendererDir = await tempDir('slipway-hygiene-renderer-')
    await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Slipway</title>')
    router = createRouter({
      host: 'serve',
      version: '1',
      dataDir,
      settings: memorySettingsStore(),
      log: () => undefined
    })
  })
  afterEach(async () => {
    await server?.close()
    await router.dispose()
    await Promise.all([dataDir, rendererDir].map(removeDir))
  })

  // Security review finding 4: this answered 500 and logged the stack with the raw URL.
  it('answers 400 to a request target new URL rejects, and logs nothing', async () => {
    await start(router)
    const host = `Host: 127.0.0.1:${server.port}\r\n`
    for (const target of ['//a:99999/x?token=abc', 'http://evil.example/x', '*', '//x']) {
      const reply = await raw(
        server.port,
        `GET ${target} HTTP/1.1\r\n${host}Connection: close\r\n\r\n`
      )
      expect(reply).toMatch(/^HTTP\/1\.1 400 /)
    }
    // A request line Node's parser refuses never reaches the handler either.
    expect(await raw(server.port, `GET /a b c HTTP/1.1\r\n${host}\r\n`)).toMatch(/^HTTP\/1\.1 400 /)
    expect(logged).toEqual([])
  })

  it('logs a failing request by its path, never its query', async () => {
    const broken: Router = {
      ...router,
      invoke: () => Promise.reject(new Error('a bug')),
      onEvent: () => () => undefined
    }
    await start(broken)
    const reply = await raw(
      server.port,
      `POST /api/invoke/app.info?token=SECRET-IN-QUERY HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n` +
        `Authorization: Bearer ${server.token}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`
    )
    expect(reply).toMatch(/^HTTP\/1\.1 500 /)
    expect(logged).toHaveLength(1)
    expect(logged[0]).toContain('request POST /api/invoke/app.info failed')
    expect(logged[0]).not.toContain('SECRET-IN-QUERY')
  })

  it('sets explicit header, request and keep-alive timeouts', async () => {
    await start(router)
    const reply = await raw(
      server.port,
      `GET / HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nConnection: close\r\n\r\n`
    )
    expect(reply).toMatch(/^HTTP\/1\.1 200 /)
    expect(reply).toMatch(/Keep-Alive: timeout=5|Connection: close/i)
    expect(SERVER_TIMEOUTS).toEqual({ headersMs: 10_000, requestMs: 30_000, keepAliveMs: 5_000 })
  })

  it('closes a connection that sends its headers too slowly', async () => {
    await start(router)
    const started = Date.now()
    const reply = await new Promise<string>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port: server.port }, () =>
        socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n`)
      )
      const chunks: Buffer[] = []
      socket.on('data', (c: Buffer) => chunks.push(c))
      socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')))
    })
    expect(reply === '' || /^HTTP\/1\.1 408 /.test(reply)).toBe(true)
    expect(Date.now() - started).toBeGreaterThanOrEqual(SERVER_TIMEOUTS.headersMs - 1_000)
    // Node checks on an interval; the default (30 s) would let it hang on three times longer.
    expect(Date.now() - started).toBeLessThan(SERVER_TIMEOUTS.headersMs * 2)
  }, 40_000)
})

describe('requestUrl and pathOf', () => {
  it('accept origin-form targets only', () => {
    expect(requestUrl('/x?y=1', 80)?.pathname).toBe('/x')
    expect(requestUrl('//a:99999/x', 80)).toBeNull()
    expect(requestUrl('http://a/x', 80)).toBeNull()
    expect(requestUrl(undefined, 80)).toBeNull()
  })

  it('drop the query from what is logged', () => {
    expect(pathOf('/api/events?token=abc')).toBe('/api/events')
    expect(pathOf('/x'.repeat(300)).length).toBeLessThanOrEqual(201)
  })
})
