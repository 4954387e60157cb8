// The load generator's process (bundled and run by load-client.ts): `connections` HTTP/1.1
// keep-alive clients, each with its own connection, sending GET /health, POST /orders and
// GET /orders/1 in turn with `pauseMs` between requests, until "stop" arrives on stdin; then it
// writes every request's record to the output file as JSON and exits.
import { request, Agent } from 'node:http'
import { writeFileSync } from 'node:fs'
import type { LoadRecord } from './load-client'

interface Config {
  readonly port: number
  readonly connections: number
  readonly pauseMs: number
  readonly out: string
}

const config = JSON.parse(process.argv[2] ?? '{}') as Config
let running = true
process.stdin.on('data', (b: Buffer) => {
  if (b.toString().includes('stop')) running = false
})

const ORDER = JSON.stringify({
  customer: 'load',
  items: [{ sku: 'TEA-1', quantity: 1, price: 4.5 }]
})
const ROUTES = [
  { method: 'GET', path: '/health', body: null },
  { method: 'POST', path: '/orders', body: ORDER },
  { method: 'GET', path: '/orders/1', body: null }
] as const

const now = (): number => performance.timeOrigin + performance.now()

interface Attempt {
  readonly status: number
  readonly release: string | null
  readonly error: string | null
  /** The request went out on a kept-alive connection used before. */
  readonly reused: boolean
  /** Some of the response arrived before the error. */
  readonly answered: boolean
}

function send(agent: Agent, route: (typeof ROUTES)[number], id: string): Promise<Attempt> {
  return new Promise((resolve) => {
    let answered = false
    const req = request(
      {
        host: '127.0.0.1',
        port: config.port,
        method: route.method,
        path: route.path,
        agent,
        timeout: 15_000,
        headers: {
          'x-request-id': id,
          ...(route.body ? { 'content-type': 'application/json' } : {})
        }
      },
      (res) => {
        answered = true
        const release = res.headers['x-release']
        res.resume()
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            release: typeof release === 'string' ? release : null,
            error: null,
            reused: req.reusedSocket,
            answered
          })
        )
        res.on('error', (e: NodeJS.ErrnoException) =>
          resolve({
            status: 0,
            release: null,
            error: e.code ?? e.message,
            reused: req.reusedSocket,
            answered
          })
        )
      }
    )
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })))
    req.on('error', (e: NodeJS.ErrnoException) =>
      resolve({
        status: 0,
        release: null,
        error: e.code ?? e.message,
        reused: req.reusedSocket,
        answered
      })
    )
    req.end(route.body ?? undefined)
  })
}

/**
 * A kept-alive connection the server closed just as a request went out on it (nginx closes
 * idle client connections when a reload retires its old workers). Nothing of an answer came
 * back: browsers and most HTTP clients send such a request again on a new connection, once.
 */
function closedUnderUs(a: Attempt): boolean {
  return a.error !== null && a.reused && !a.answered && ['ECONNRESET', 'EPIPE'].includes(a.error)
}

async function client(c: number, records: LoadRecord[]): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  for (let n = 0; running; n++) {
    const route = ROUTES[n % ROUTES.length]
    const id = `${c}-${n}`
    const at = now()
    let attempt = await send(agent, route, `${id}.1`)
    const retried = closedUnderUs(attempt)
    if (retried) attempt = await send(agent, route, `${id}.2`)
    records.push({
      id,
      at,
      ms: now() - at,
      method: route.method,
      path: route.path,
      status: attempt.status,
      release: attempt.release,
      error: attempt.error,
      retried
    })
    if (config.pauseMs > 0) await new Promise((r) => setTimeout(r, config.pauseMs))
  }
  agent.destroy()
}

const records: LoadRecord[] = []
process.stdout.write('ready\n')
void Promise.all(Array.from({ length: config.connections }, (_, c) => client(c, records))).then(
  () => {
    writeFileSync(config.out, JSON.stringify(records))
    process.exit(0)
  }
)
