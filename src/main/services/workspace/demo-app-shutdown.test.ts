import { spawn, type ChildProcess } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import { request } from 'node:http'
import { connect, type Socket } from 'node:net'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../../testing/ports'
import { removeDir, tempDir } from '../../testing/temp-dir'
import { demoFiles, type DemoFeature } from './demo-app'
import { DEMO_COMMITS } from './demo-history'

// The demo app's part in zero downtime: every response names its release, and SIGTERM stops it
// gracefully (no new connection, the requests in flight answered, then exit).

let dir: string
let app: ChildProcess | null = null
let port: number

beforeAll(async () => {
  dir = await tempDir('slipway-demo-shutdown-')
  const features = new Set<DemoFeature>(DEMO_COMMITS.flatMap((c) => c.adds))
  for (const [path, content] of Object.entries(demoFiles(features))) {
    await mkdir(dirname(join(dir, path)), { recursive: true })
    await writeFile(join(dir, path), content)
  }
  await writeFile(join(dir, 'RELEASE'), '20261203.0100-abcdef1\n')
})
afterAll(async () => {
  app?.kill('SIGKILL')
  await removeDir(dir)
})

async function startApp(): Promise<ChildProcess> {
  port = await freePort()
  const child = spawn(process.execPath, ['server.js'], {
    cwd: dir,
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit']
  })
  await new Promise<void>((resolve) => child.stdout?.once('data', () => resolve()))
  return child
}

function get(path: string): Promise<{ status: number; release: unknown }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path }, (res) => {
      res.resume()
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, release: res.headers['x-release'] })
      )
    })
      .on('error', reject)
      .end()
  })
}

/** Sends raw bytes on `socket` and resolves with everything the server sends until it closes. */
function readAll(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let text = ''
    socket.on('data', (b: Buffer) => (text += b.toString()))
    socket.on('close', () => resolve(text))
    socket.on('error', () => resolve(text))
  })
}

describe('the demo app', () => {
  it('names its release on every response and finishes a request in flight on SIGTERM', async () => {
    app = await startApp()
    const exited = new Promise<number | null>((resolve) => app?.once('exit', resolve))
    expect(await get('/health')).toEqual({ status: 200, release: '20261203.0100-abcdef1' })
    expect(await get('/no/such/route')).toEqual({ status: 404, release: '20261203.0100-abcdef1' })

    // A POST whose body is still on its way when the stop comes.
    const body = JSON.stringify({ customer: 'Ada', items: [{ sku: 'A', quantity: 1, price: 2 }] })
    const socket = connect(port, '127.0.0.1')
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()))
    const answer = readAll(socket)
    socket.write(
      `POST /orders HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`
    )
    await new Promise((r) => setTimeout(r, 200))
    app.kill('SIGTERM')
    await new Promise((r) => setTimeout(r, 300))
    // Stopped accepting: a new connection is refused while the old request is still open.
    await expect(get('/health')).rejects.toMatchObject({ code: 'ECONNREFUSED' })
    expect(app.exitCode).toBeNull()
    socket.write(body.slice(10))
    const text = await answer
    expect(text).toMatch(/^HTTP\/1\.1 201 /)
    expect(text.toLowerCase()).toContain('x-release: 20261203.0100-abcdef1')
    expect(text.toLowerCase()).toContain('connection: close')
    expect(await exited).toBe(0)
    app = null
  })
})
