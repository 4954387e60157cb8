import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppEvent } from '../../shared/contract'
import type { ApiResult } from '../../shared/errors'
import type { Deployment } from '../../shared/deploy-models'
import { memorySettingsStore } from '../services/workspace'
import { trustOpenWorkspace } from '../testing/trust'
import { createRouter, type Router } from './router'
import { stopDemoApp } from '../testing/deploy-support'
import { makeSampleRepo } from '../testing/fixture-repos'
import { freePort } from '../testing/ports'
import { removeDir, tempDir } from '../testing/temp-dir'

function value<T>(result: ApiResult<T>): T {
  if (!result.ok) throw new Error(`expected a value, got ${JSON.stringify(result.error)}`)
  return result.value
}

function newRouter(dataDir: string): { router: Router; events: AppEvent[] } {
  const router = createRouter({
    host: 'serve',
    version: '9.9.9',
    dataDir,
    settings: memorySettingsStore()
  })
  const events: AppEvent[] = []
  router.onEvent((e) => events.push(e))
  return { router, events }
}

/** Resolves with the deployment once an event says it finished. */
function finished(router: Router, id: string): Promise<Deployment> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${id} did not finish in 60 s`)), 60_000)
    const off = router.onEvent((e) => {
      if (e.event !== 'deployments.changed') return
      const d = e.payload.deployment
      if (d.id !== id || d.status === 'running') return
      clearTimeout(timer)
      off()
      resolve(d)
    })
  })
}

// Issue 13 defect 3 and the history per environment: "Last deploy" and the history are the
// open workspace's, survive a restart (this machine's records, with logs) and are read from
// the hosts' own logs (who, what, when, outcome, reason).
describe('deployment history through the router', () => {
  let dataDir: string
  let demo: string
  let other: string
  const routers: Router[] = []

  beforeAll(async () => {
    dataDir = await tempDir('slipway-history-router-')
    other = makeSampleRepo()
    // The other repository has a "staging" too, on its own local host.
    await writeFile(
      join(other, 'slipway.yml'),
      'environments:\n  - name: staging\n    hosts:\n      - { local: .slipway/hosts/other-1 }\n'
    )
  }, 30_000)

  afterAll(async () => {
    await Promise.all(routers.map((r) => r.dispose()))
    if (demo) await stopDemoApp(join(demo, '.slipway', 'hosts', 'staging-1'))
    await removeDir(dataDir)
    await removeDir(other)
  })

  it('reads who, what, when, outcome and reason from the hosts, and keeps it across a restart', async () => {
    const { router } = newRouter(dataDir)
    routers.push(router)
    demo = value(await router.openDemo()).path
    const yml = join(demo, 'slipway.yml')
    const port = await freePort()
    await writeFile(yml, (await readFile(yml, 'utf8')).replace('port: 4301', `port: ${port}`))
    value(await router.openWorkspace(demo))
    // The port changed slipway.yml since the demo was trusted by construction.
    await trustOpenWorkspace(router)

    const first = value(await router.call('releases.create', {}))
    const deployed = value(
      await router.call('deployments.start', {
        release: first.id,
        environment: 'staging',
        reason: 'ORD-108 to staging'
      })
    )
    expect((await finished(router, deployed.id)).status).toBe('succeeded')
    const second = value(await router.call('releases.create', {}))
    const next = value(
      await router.call('deployments.start', { release: second.id, environment: 'staging' })
    )
    expect((await finished(router, next.id)).status).toBe('succeeded')
    const rollback = value(
      await router.call('environments.rollback', {
        environment: 'staging',
        to: first.id,
        reason: 'checkout totals wrong'
      })
    )
    expect((await finished(router, rollback.id)).status).toBe('succeeded')

    const history = value(await router.call('deployments.history', { environment: 'staging' }))
    expect(history.unreadable).toEqual([])
    expect(history.records.map((r) => [r.id, r.kind, r.release, r.from, r.outcome])).toEqual([
      [rollback.id, 'rollback', first.id, second.id, 'finished'],
      [next.id, 'deploy', second.id, first.id, 'finished'],
      [deployed.id, 'deploy', first.id, null, 'finished']
    ])
    expect(history.records.map((r) => r.reason)).toEqual([
      'checkout totals wrong',
      null,
      'ORD-108 to staging'
    ])
    for (const r of history.records) {
      expect(r.hosts).toHaveLength(1)
      expect(r.hosts[0]).toMatchObject({ host: 'staging-1', last: 'finished', detail: null })
      expect(r.by).toMatch(/@/)
      expect(Date.parse(r.finishedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(r.startedAt))
    }
    const listed = value(await router.call('deployments.list', {}))
    expect(listed.map((d) => d.id)).toEqual([rollback.id, next.id, deployed.id])
    expect(new Set(listed.map((d) => d.workspace))).toEqual(new Set([demo]))

    // "Restart": a new router over the same data folder knows nothing in memory.
    await router.dispose()
    const { router: again } = newRouter(dataDir)
    routers.push(again)
    value(await again.openWorkspace(demo))
    const relisted = value(await again.call('deployments.list', {}))
    expect(relisted.map((d) => [d.id, d.status])).toEqual([
      [rollback.id, 'succeeded'],
      [next.id, 'succeeded'],
      [deployed.id, 'succeeded']
    ])
    expect(relisted[2]?.log.join('\n')).toContain(first.id)
    const reread = value(await again.call('deployments.history', { environment: 'staging' }))
    expect(reread.records).toEqual(history.records)

    // Another repository's "staging" has no history and no last deploy of the demo's.
    value(await again.openWorkspace(other))
    expect(value(await again.call('deployments.list', {}))).toEqual([])
    const otherHistory = value(await again.call('deployments.history', { environment: 'staging' }))
    expect(otherHistory.records).toEqual([])
  }, 180_000)
})
