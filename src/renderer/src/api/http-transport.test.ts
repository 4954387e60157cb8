import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { AppEvent } from '../../../shared'
import { createApiClient } from './client'
import { createHttpTransport } from './http-transport'

// The web TypeScript project has no Node types (the renderer must not lean on them), so this
// test loads node:http at run time and describes the little of it that it uses.
interface IncomingMessage {
  readonly url?: string
  readonly headers: { readonly authorization?: string }
  on(event: 'data', listener: (chunk: Uint8Array) => void): void
  on(event: 'end', listener: () => void): void
}
interface ServerResponse {
  writeHead(status: number, headers: Record<string, string>): void
  end(body: string): void
}
interface Server {
  listen(port: number, host: string, callback?: () => void): Server
  close(callback?: () => void): void
  address(): { port: number }
}
const nodeHttp = 'node:http'
const { createServer } = (await import(/* @vite-ignore */ nodeHttp)) as {
  createServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Server
}

const TOKEN = 'secret-token'
let server: Server
let base: string
let seen: { url: string; auth: string | undefined; body: string }[]

/** A tiny loopback stand-in for `serve`'s invoke endpoint, speaking the transport protocol. */
function handle(req: IncomingMessage, res: ServerResponse): void {
  let body = ''
  req.on('data', (chunk) => (body += new TextDecoder().decode(chunk)))
  req.on('end', () => {
    seen.push({ url: req.url ?? '', auth: req.headers.authorization, body })
    const send = (status: number, value: unknown): void => {
      res.writeHead(status, { 'Content-Type': 'application/json' })
      res.end(JSON.stringify(value))
    }
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      return send(401, { ok: false, error: { code: 'unauthorized', message: 'Wrong token.' } })
    }
    if (req.url === '/api/invoke/workspace.recent') return send(200, { ok: true, value: [] })
    if (req.url === '/api/invoke/workspace.open') {
      return send(400, {
        ok: false,
        error: {
          code: 'not-a-repository',
          message: `${JSON.parse(body).path} is not a git repository.`
        }
      })
    }
    if (req.url === '/api/invoke/app.info') {
      res.writeHead(502, { 'Content-Type': 'text/html' })
      return res.end('<h1>Bad gateway</h1>')
    }
    send(404, { ok: false, error: { code: 'unknown-method', message: 'No such method.' } })
  })
}

beforeEach(async () => {
  seen = []
  server = createServer(handle)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${server.address().port}`
})
afterEach(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

describe('HTTP transport, invoke', () => {
  it('POSTs the request as JSON with the bearer token and returns the value', async () => {
    const client = createApiClient(createHttpTransport({ baseUrl: base, token: TOKEN }))
    await expect(client.call('workspace.recent', {})).resolves.toEqual([])
    expect(seen).toEqual([
      { url: '/api/invoke/workspace.recent', auth: `Bearer ${TOKEN}`, body: '{}' }
    ])
  })

  it('surfaces the server’s ApiError for 4xx answers', async () => {
    const client = createApiClient(createHttpTransport({ baseUrl: base, token: TOKEN }))
    await expect(client.call('workspace.open', { path: '/tmp/x' })).rejects.toMatchObject({
      code: 'not-a-repository',
      message: '/tmp/x is not a git repository.'
    })
    const stranger = createApiClient(createHttpTransport({ baseUrl: base, token: 'wrong' }))
    await expect(stranger.call('workspace.recent', {})).rejects.toMatchObject({
      code: 'unauthorized'
    })
  })

  it('explains a non-JSON answer and an unreachable server in one sentence', async () => {
    const client = createApiClient(createHttpTransport({ baseUrl: base, token: TOKEN }))
    await expect(client.call('app.info', {})).rejects.toMatchObject({
      code: 'internal',
      message: 'The Slipway server answered app.info with HTTP 502 and no result.'
    })
    await new Promise<void>((resolve) => server.close(() => resolve()))
    const gone = createApiClient(createHttpTransport({ baseUrl: base, token: TOKEN }))
    await expect(gone.call('workspace.recent', {})).rejects.toMatchObject({
      code: 'internal',
      message: expect.stringContaining('Cannot reach the Slipway server') as unknown
    })
    server = createServer(handle).listen(0, '127.0.0.1')
  })
})

/** Records every EventSource the transport opens so the test can drive it. */
class FakeEventSource {
  static opened: FakeEventSource[] = []
  onopen: (() => void) | null = null
  onmessage: ((e: MessageEvent) => void) | null = null
  onerror: (() => void) | null = null
  closed = false
  constructor(readonly url: string) {
    FakeEventSource.opened.push(this)
  }
  close(): void {
    this.closed = true
  }
  message(data: string): void {
    this.onmessage?.(new MessageEvent('message', { data }))
  }
}

describe('HTTP transport, events', () => {
  beforeEach(() => {
    FakeEventSource.opened = []
  })
  const make = () =>
    createHttpTransport({
      baseUrl: 'http://127.0.0.1:9',
      token: 'a b',
      EventSource: FakeEventSource as unknown as typeof EventSource,
      retryMs: 10,
      maxRetryMs: 40
    })

  it('opens one stream for all listeners, parses events and skips junk', () => {
    const transport = make()
    const got: AppEvent[] = []
    const offA = transport.onEvent((e) => got.push(e))
    const offB = transport.onEvent((e) => got.push(e))
    expect(FakeEventSource.opened).toHaveLength(1)
    const es = FakeEventSource.opened[0]
    expect(es.url).toBe('http://127.0.0.1:9/api/events?token=a%20b')
    es.message('not json')
    es.message('{"event":"branches.changed"}')
    es.message(JSON.stringify({ event: 'branches.changed', payload: { reason: 'refs' } }))
    expect(got).toHaveLength(2)
    offA()
    expect(es.closed).toBe(false)
    offB()
    expect(es.closed).toBe(true)
  })

  it('says so when the stream comes back after a failure, not on the first open', async () => {
    const transport = make()
    let reconnects = 0
    transport.onReconnect(() => reconnects++)
    transport.onEvent(() => {})
    FakeEventSource.opened[0].onopen?.()
    expect(reconnects).toBe(0)
    FakeEventSource.opened[0].onerror?.()
    await new Promise((r) => setTimeout(r, 25))
    FakeEventSource.opened[1].onopen?.()
    expect(reconnects).toBe(1)
    FakeEventSource.opened[1].onopen?.()
    expect(reconnects).toBe(1)
  })

  it('reconnects with growing delays after errors, and stops once nobody listens', async () => {
    const transport = make()
    const off = transport.onEvent(() => {})
    FakeEventSource.opened[0].onerror?.()
    expect(FakeEventSource.opened[0].closed).toBe(true)
    await new Promise((r) => setTimeout(r, 25))
    expect(FakeEventSource.opened).toHaveLength(2)
    FakeEventSource.opened[1].onerror?.()
    await new Promise((r) => setTimeout(r, 12))
    expect(FakeEventSource.opened).toHaveLength(2) // second delay is 20 ms
    await new Promise((r) => setTimeout(r, 20))
    expect(FakeEventSource.opened).toHaveLength(3)
    FakeEventSource.opened[2].onerror?.()
    off()
    await new Promise((r) => setTimeout(r, 60))
    expect(FakeEventSource.opened).toHaveLength(3)
  })
})

describe('HTTP transport inside the served page', () => {
  it('sends no token at all: the session cookie signs the page in', async () => {
    const seen: { url: string; init: RequestInit | undefined }[] = []
    const fakeFetch = (async (url: string, init?: RequestInit) => {
      seen.push({ url, init })
      return new Response(JSON.stringify({ ok: true, value: null }), { status: 200 })
    }) as unknown as typeof fetch
    FakeEventSource.opened = []
    const transport = createHttpTransport({
      fetch: fakeFetch,
      EventSource: FakeEventSource as unknown as typeof EventSource
    })
    await transport.invoke('workspace.current', {})
    expect(seen[0]?.url).toBe('/api/invoke/workspace.current')
    expect(seen[0]?.init?.credentials).toBe('same-origin')
    expect(JSON.stringify(seen[0]?.init?.headers)).not.toContain('Authorization')
    transport.onEvent(() => {})
    expect(FakeEventSource.opened[0]?.url).toBe('/api/events')
  })
})
