import { randomUUID } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { findLeaks, RUN_MARKER } from '../testing/leak-detector'
import { freePort } from '../testing/ports'
import { listProcesses } from '../testing/proc-table'
import { startServeProcess, type ServeProcess } from '../testing/serve-process'
import { removeDir, tempDir } from '../testing/temp-dir'

async function invoke(serve: ServeProcess, method: string, request: unknown): Promise<unknown> {
  const res = await fetch(`${serve.origin}/api/invoke/${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${serve.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(request)
  })
  const body = (await res.json()) as { ok: boolean; value?: unknown; error?: unknown }
  if (!body.ok) throw new Error(`${method}: ${JSON.stringify(body.error)}`)
  return body.value
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

// Issue 17, part 3: after `slipway serve` receives SIGTERM, nothing it started is left running:
// not the demo app a deploy hook started (nohup) on a local host, not a test run.
describe('serve stops what it started', () => {
  let dataDir = ''
  afterAll(async () => {
    if (dataDir) await removeDir(dataDir)
  })

  it('ends the demo app its deploy started on a local host when it gets SIGTERM', async () => {
    dataDir = await tempDir('slipway-serve-stop-')
    // Its own marker: every process serve starts inherits it, so what outlives serve is found
    // among all the processes of the machine, whoever else runs tests here.
    const marker = randomUUID()
    const before = listProcesses().map((p) => `${p.pid}:${p.startTicks}`)
    const serve = await startServeProcess([], {
      cwd: dataDir,
      env: { ...process.env, SLIPWAY_DATA_DIR: dataDir, [RUN_MARKER]: marker }
    })
    let stopped = false
    try {
      // The demo's fixed port may be taken on this machine: give staging a free one, reopen.
      const demo = join(dataDir, 'demo', 'orders')
      const yml = join(demo, 'slipway.yml')
      const port = await freePort()
      await writeFile(yml, (await readFile(yml, 'utf8')).replace('port: 4301', `port: ${port}`))
      await invoke(serve, 'workspace.open', { path: demo })
      // The port changed slipway.yml since the demo was trusted: trust it as the dialog does.
      const trust = (await invoke(serve, 'trust.status', {})) as { fingerprint: string }
      await invoke(serve, 'trust.grant', { fingerprint: trust.fingerprint })
      const release = (await invoke(serve, 'releases.create', {})) as { id: string }
      const started = (await invoke(serve, 'deployments.start', {
        release: release.id,
        environment: 'staging'
      })) as { id: string }
      let status = 'running'
      for (let i = 0; i < 1200 && status === 'running'; i++) {
        await new Promise((r) => setTimeout(r, 100))
        const list = (await invoke(serve, 'deployments.list', {})) as {
          id: string
          status: string
        }[]
        status = list.find((d) => d.id === started.id)?.status ?? 'running'
      }
      expect(status).toBe('succeeded')
      const pidFile = join(demo, '.slipway', 'hosts', 'staging-1', 'shared', 'orders.pid')
      const app = Number((await readFile(pidFile, 'utf8')).trim())
      expect(alive(app)).toBe(true)
      expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200)

      expect(await serve.stop()).toBe(0)
      stopped = true
      expect(alive(app)).toBe(false)
      const left = findLeaks({ marker, runnerPid: -1, before }, () => false)
      expect(left.map((p) => `${p.pid} ${p.command} in ${p.cwd}`)).toEqual([])
      expect(serve.output().stderr).toMatch(/ended what ran on local hosts \(\d+ process group/)
    } finally {
      if (!stopped) await serve.stop()
    }
  }, 180_000)
})
