import { randomUUID } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import type { BranchEnv } from '../../shared/branch-env-models'
import type { ApiResult } from '../../shared/errors'
import { memorySettingsStore } from '../services/workspace'
import { getJson, processesUnder } from '../testing/branch-env-app'
import { removeDir, tempDir } from '../testing/temp-dir'
import { TestRepo } from '../testing/test-repo'
import { trustOpenWorkspace } from '../testing/trust'
import { createRouter, type Router } from './router'

function value<T>(result: ApiResult<T>): T {
  if (!result.ok) throw new Error(`expected a value, got ${JSON.stringify(result.error)}`)
  return result.value
}

async function until(
  router: Router,
  id: string,
  kind: BranchEnv['state']['kind']
): Promise<BranchEnv> {
  const deadline = Date.now() + 90_000
  for (;;) {
    const env = value(await router.call('branchEnvs.list', {})).find((e) => e.id === id)
    if (env?.state.kind === kind) return env
    if (env?.state.kind === 'failed') throw new Error(`failed: ${JSON.stringify(env.state)}`)
    if (Date.now() > deadline) throw new Error(`not ${kind}: ${JSON.stringify(env)}`)
    await new Promise((r) => setTimeout(r, 150))
  }
}

// Issue 10: "Run locally" works on the demo out of the box, and switching workspaces stops it.
describe('branch environments through the router', () => {
  const cleanups: (() => Promise<void> | void)[] = []
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c()
  })

  it('runs a demo branch out of the box and stops it when another workspace opens', async () => {
    const dataDir = await tempDir('slipway-be-router-')
    cleanups.push(() => removeDir(dataDir))
    const router = createRouter({
      host: 'serve',
      version: '0.0.0',
      dataDir,
      settings: memorySettingsStore()
    })
    cleanups.push(() => router.dispose())
    const demo = value(await router.openDemo())
    expect(demo.config.branchEnvironments?.run).toBe('node server.js')

    const events: string[] = []
    router.onEvent((e) => {
      if (e.event === 'branchEnvs.log') events.push(e.payload.chunk)
    })
    const branch = 'feature/ORD-142-refund-endpoint'
    const started = value(await router.call('branchEnvs.start', { branch }))
    expect(started.target).toEqual({ kind: 'branch', branch })
    const env = await until(router, started.id, 'running')
    const health = await getJson(`http://127.0.0.1:${env.port}/health`)
    expect(health?.status).toBe('ok')
    // The live log reached the client as events.
    expect(events.join('')).toContain(`listening on http://127.0.0.1:${env.port}`)
    // The stored log is searched as a whole; the hit's offset is where its line starts.
    const query = { kind: 'text', text: `LISTENING ON http://127.0.0.1:${env.port}` } as const
    const found = value(await router.call('branchEnvs.logSearch', { id: env.id, query }))
    expect(found.total).toBeGreaterThanOrEqual(1)
    const at = value(
      await router.call('branchEnvs.log', {
        id: env.id,
        offset: found.hits[0]!.offset,
        length: 200
      })
    )
    expect(at.text.split('\n')[0]).toContain(`listening on http://127.0.0.1:${env.port}`)
    // The demo's app runs in a worktree inside the data folder, never in the demo's checkout.
    const running = processesUnder(dataDir)
    expect(running.some((p) => p.includes('node server.js'))).toBe(true)
    expect(processesUnder(demo.path)).toEqual([])

    // Another workspace opens: every process of the demo's environment has ended.
    const other = TestRepo.create({ prefix: 'slipway-be-other-', files: { 'a.txt': 'a' } })
    cleanups.push(() => other.remove())
    value(await router.openWorkspace(other.path))
    const deadline = Date.now() + 10_000
    while (
      (await getJson(`http://127.0.0.1:${env.port}/health`)) !== null &&
      Date.now() < deadline
    ) {
      await new Promise((r) => setTimeout(r, 100))
    }
    expect(await getJson(`http://127.0.0.1:${env.port}/health`)).toBeNull()
    expect(processesUnder(dataDir)).toEqual([])
    // Without branchEnvironments the workspace says how to add them.
    const refused = await router.call('branchEnvs.start', { branch: 'main' })
    expect(refused.ok).toBe(false)
    if (!refused.ok) {
      expect(refused.error.code).toBe('bad-config')
      expect(refused.error.message).toMatch(/no branchEnvironments/)
    }
  }, 240_000)

  it('refuses an unknown branch and a request naming neither, clearly', async () => {
    const dataDir = await tempDir('slipway-be-router-')
    cleanups.push(() => removeDir(dataDir))
    const repo = TestRepo.create({
      prefix: 'slipway-be-refuse-',
      files: { 'slipway.yml': `branchEnvironments: { run: 'sleep 5 # ${randomUUID()}' }\n` }
    })
    cleanups.push(() => repo.remove())
    const router = createRouter({
      host: 'serve',
      version: '0.0.0',
      dataDir,
      settings: memorySettingsStore()
    })
    cleanups.push(() => router.dispose())
    value(await router.openWorkspace(repo.path))
    // slipway.yml's run command runs only once the user trusted it.
    const untrusted = await router.call('branchEnvs.start', { branch: 'main' })
    expect(untrusted.ok ? null : untrusted.error.code).toBe('untrusted')
    await trustOpenWorkspace(router)
    const missing = await router.call('branchEnvs.start', { branch: 'no/such' })
    expect(missing.ok ? null : missing.error).toMatchObject({
      code: 'not-found',
      message: 'no branch named no/such'
    })
    const neither = await router.call('branchEnvs.start', {})
    expect(neither.ok ? null : neither.error.code).toBe('bad-request')
  }, 60_000)
})
