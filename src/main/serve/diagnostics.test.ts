import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRouter, memorySettingsStore, type Router } from '../api'
import { removeDir, tempDir } from '../testing/temp-dir'
import type { Diagnostics } from './diagnostics'
import { startServer, type RunningServer } from './server'

describe('GET /api/diagnostics', () => {
  let dataDir = ''
  let router: Router
  let server: RunningServer
  const get = (path: string, token?: string) =>
    fetch(`http://127.0.0.1:${server.port}${path}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {}
    })

  beforeAll(async () => {
    dataDir = await tempDir('slipway-diagnostics-')
    router = createRouter({
      host: 'serve',
      version: '1.2.3',
      dataDir,
      settings: memorySettingsStore(),
      log: () => undefined,
      continualTesting: false
    })
    server = await startServer({ router, rendererDir: dataDir, viewer: true })
  })
  afterAll(async () => {
    await server.close()
    await router.dispose()
    await removeDir(dataDir)
  })

  it('answers this process memory and resources to the full token only', async () => {
    const res = await get('/api/diagnostics', server.token)
    expect(res.status).toBe(200)
    const body = (await res.json()) as { ok: boolean; value: Diagnostics }
    expect(body.ok).toBe(true)
    expect(body.value.pid).toBe(process.pid)
    expect(body.value.heapUsedBytes).toBeGreaterThan(1_000_000)
    expect(body.value.rssBytes).toBeGreaterThan(body.value.heapUsedBytes / 2)
    // Vitest's workers run without --expose-gc: asked to collect, it says it could not.
    const gc = (await (await get('/api/diagnostics?gc=1', server.token)).json()) as {
      value: Diagnostics
    }
    expect(gc.value.collected).toBe(typeof (globalThis as { gc?: unknown }).gc === 'function')
    expect(Object.keys(gc.value.resources).length).toBeGreaterThan(0)
    expect(gc.value.eventStreams).toBe(0)

    expect((await get('/api/diagnostics')).status).toBe(401)
    expect((await get('/api/diagnostics', 'wrong')).status).toBe(401)
    expect((await get('/api/diagnostics', server.viewerToken ?? '')).status).toBe(403)
    const post = await fetch(`http://127.0.0.1:${server.port}/api/diagnostics`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token}` }
    })
    expect(post.status).toBe(405)
  })

  it('counts the event-stream clients it holds: one that left is forgotten', async () => {
    const streams = async (): Promise<number> =>
      ((await (await get('/api/diagnostics', server.token)).json()) as { value: Diagnostics }).value
        .eventStreams
    const client = await fetch(
      `http://127.0.0.1:${server.port}/api/events?token=${encodeURIComponent(server.token)}`
    )
    expect(client.status).toBe(200)
    expect(await streams()).toBe(1)
    await client.body?.cancel()
    let left = 1
    for (let i = 0; i < 50 && left > 0; i++) {
      await new Promise((r) => setTimeout(r, 50))
      left = await streams()
    }
    expect(left).toBe(0)
  })
})
