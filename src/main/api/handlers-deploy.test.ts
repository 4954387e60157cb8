import { readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppEvent } from '../../shared/contract'
import type { ApiResult } from '../../shared/errors'
import type { Deployment } from '../../shared/deploy-models'
import { memorySettingsStore } from '../services/workspace'
import { createRouter, type Router } from './router'
import { stopDemoApp } from '../testing/deploy-support'
import { freePort } from '../testing/ports'
import { removeDir, tempDir } from '../testing/temp-dir'
import { trustOpenWorkspace } from '../testing/trust'

function value<T>(result: ApiResult<T>): T {
  if (!result.ok) throw new Error(`expected a value, got ${JSON.stringify(result.error)}`)
  return result.value
}

describe('deploy methods through the router, on the demo workspace', () => {
  let dataDir: string
  let router: Router
  let demo: string
  let port: number
  const events: AppEvent[] = []

  /** Resolves with the deployment once an event says it finished. */
  const finished = (id: string, ms = 60_000): Promise<Deployment> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${id} did not finish in ${ms} ms`)), ms)
      const check = (e: AppEvent): boolean => {
        if (e.event !== 'deployments.changed') return false
        const d = e.payload.deployment
        if (d.id !== id || d.status === 'running') return false
        clearTimeout(timer)
        off()
        resolve(d)
        return true
      }
      const off = router.onEvent(check)
      for (const e of events) if (check(e)) return
    })

  beforeAll(async () => {
    dataDir = await tempDir('slipway-deploy-router-')
    router = createRouter({
      host: 'serve',
      version: '9.9.9',
      dataDir,
      settings: memorySettingsStore()
    })
    router.onEvent((e) => events.push(e))
    demo = value(await router.openDemo()).path
    // Another suite (or the user's own demo) may use the demo's fixed port: take a free one.
    port = await freePort()
    const yml = join(demo, 'slipway.yml')
    await writeFile(yml, (await readFile(yml, 'utf8')).replace('port: 4301', `port: ${port}`))
    value(await router.openWorkspace(demo))
    await trustOpenWorkspace(router)
  }, 30_000)

  afterAll(async () => {
    await stopDemoApp(join(demo, '.slipway', 'hosts', 'staging-1'))
    await router.dispose()
    await removeDir(dataDir)
  })

  it('creates a release, deploys it to staging, reads it healthy, and rolls back', async () => {
    expect(value(await router.call('releases.list', {}))).toEqual([])
    const first = value(await router.call('releases.create', {}))
    expect(first.id).toMatch(/^\d{8}\.\d{4,6}-[0-9a-f]{7,12}(-\d+)?$/)
    expect(first.tickets).toContain('ORD-108')
    expect(first).not.toHaveProperty('tarballPath')
    const kinds = events.filter((e) => e.event === 'releases.changed').map((e) => e.payload.kind)
    expect(kinds).toContain('building')
    expect(kinds.at(-1)).toBe('created')

    const started = value(
      await router.call('deployments.start', {
        release: first.id,
        environment: 'staging',
        reason: 'router test'
      })
    )
    expect(started).toMatchObject({ release: first.id, environment: 'staging', status: 'running' })
    // One deployment per environment at a time in this process.
    const second = await router.call('deployments.start', {
      release: first.id,
      environment: 'staging'
    })
    expect(second.ok ? 'ok' : second.error.code).toBe('locked')

    const done = await finished(started.id)
    expect(done.status, done.summary + '\n' + done.log.join('\n')).toBe('succeeded')
    const health = (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as unknown
    expect(health).toEqual({ status: 'ok', release: first.id })

    const status = value(await router.call('environments.status', { environment: 'staging' }))
    expect(status.hosts).toHaveLength(1)
    expect(status.hosts[0]).toMatchObject({
      host: 'staging-1',
      release: first.id,
      healthy: true,
      lock: null
    })
    expect(value(await router.call('deployments.list', {}))[0]).toMatchObject({
      id: started.id,
      status: 'succeeded'
    })
    // Every board hears the hosts' truth after a deployment.
    await expect
      .poll(() =>
        events.some(
          (e) =>
            e.event === 'environments.changed' && e.payload.status?.hosts[0]?.release === first.id
        )
      )
      .toBe(true)

    const next = value(await router.call('releases.create', {}))
    expect(next.id).not.toBe(first.id)
    const deployNext = value(
      await router.call('deployments.start', { release: next.id, environment: 'staging' })
    )
    expect((await finished(deployNext.id)).status).toBe('succeeded')

    const rollback = value(await router.call('environments.rollback', { environment: 'staging' }))
    expect(rollback.kind).toBe('rollback')
    const back = await finished(rollback.id)
    expect(back.status, back.summary).toBe('succeeded')
    expect(back.release).toBe(first.id)
    const after = value(await router.call('environments.status', { environment: 'staging' }))
    expect(after.hosts[0]).toMatchObject({ release: first.id, previous: next.id, healthy: true })
    expect(await (await fetch(`http://127.0.0.1:${port}/health`)).text()).toContain(first.id)

    // The hosts' own records, read by a router that started none of them: newest first.
    const elsewhere = await tempDir('slipway-deploy-history-')
    const reader = createRouter({
      host: 'serve',
      version: '9.9.9',
      dataDir: elsewhere,
      settings: memorySettingsStore()
    })
    try {
      value(await reader.openWorkspace(demo))
      expect(value(await reader.call('deployments.list', {}))).toEqual([])
      const history = value(await reader.call('deployments.history', { environment: 'staging' }))
      expect(history.unreadable).toEqual([])
      expect(history.records.map((r) => [r.id, r.kind, r.release, r.from, r.outcome])).toEqual([
        [rollback.id, 'rollback', first.id, next.id, 'finished'],
        [deployNext.id, 'deploy', next.id, first.id, 'finished'],
        [started.id, 'deploy', first.id, null, 'finished']
      ])
      expect(history.records[0]?.hosts).toEqual([
        { host: 'staging-1', last: 'finished', detail: null }
      ])
      const limited = value(
        await reader.call('deployments.history', { environment: 'staging', limit: 1 })
      )
      expect(limited.records.map((r) => r.id)).toEqual([rollback.id])
      const unknown = await reader.call('deployments.history', { environment: 'nowhere' })
      expect(unknown.ok ? 'ok' : unknown.error.code).toBe('not-found')
    } finally {
      await reader.dispose()
      await removeDir(elsewhere)
    }
  }, 90_000)

  it('cancels a deployment at its hook: the host is put back, the lock released', async () => {
    // Its own releases: independent of the tests before it.
    const good = value(await router.call('releases.create', {}))
    const deployed = value(
      await router.call('deployments.start', { release: good.id, environment: 'staging' })
    )
    expect((await finished(deployed.id)).status).toBe('succeeded')
    const next = value(await router.call('releases.create', {}))
    // Cancel at a known step: when the host runs its afterActivate hook (after the switch).
    let cancelling: Promise<ApiResult<Deployment>> | null = null
    const off = router.onEvent((e) => {
      if (cancelling || e.event !== 'deployments.changed') return
      const d = e.payload.deployment
      if (d.release === next.id && d.hosts[0]?.step === 'hook' && d.hosts[0].state === 'running')
        cancelling = router.call('deployments.cancel', { id: d.id })
    })
    try {
      const started = value(
        await router.call('deployments.start', { release: next.id, environment: 'staging' })
      )
      const end = await finished(started.id)
      expect(cancelling).not.toBeNull()
      expect(value(await (cancelling as unknown as Promise<ApiResult<Deployment>>)).id).toBe(
        started.id
      )
      expect(end.status, end.summary).toBe('cancelled')
    } finally {
      off()
    }
    const after = value(await router.call('environments.status', { environment: 'staging' }))
    expect(after.hosts[0]).toMatchObject({ release: good.id, healthy: true, lock: null })
    expect(after.badReleases).toContain(next.id)
    const unknown = await router.call('deployments.cancel', { id: 'no-such-deployment' })
    expect(unknown.ok ? 'ok' : unknown.error.code).toBe('not-found')
  }, 180_000)

  it('a deployment that fails in preflight: every snapshot has a higher version than the last', async () => {
    // Another laptop holds staging's lock, so preflight fails at once. The answer of
    // deployments.start and the events can reach a window in either order; the window keeps
    // the higher version, so the failure must carry a higher version than the answer.
    const [newest] = value(await router.call('releases.list', {}))
    if (!newest) throw new Error('the first test creates releases')
    const lockFile = join(demo, '.slipway', 'hosts', 'staging-1', '.slipway', 'lock')
    const now = new Date().toISOString()
    await writeFile(
      lockFile,
      JSON.stringify({
        holder: 'bo@desk',
        machine: 'desk',
        reason: 'ORD-150',
        since: now,
        heartbeatAt: now,
        deployment: 'd-other',
        environment: 'staging'
      }) + '\n'
    )
    try {
      const started = value(
        await router.call('deployments.start', { release: newest.id, environment: 'staging' })
      )
      const end = await finished(started.id)
      expect(end.status).toBe('failed')
      expect(end.summary + end.log.join('\n')).toContain('bo@desk')
      const versions = events
        .filter((e) => e.event === 'deployments.changed')
        .map((e) => (e.event === 'deployments.changed' ? e.payload.deployment : null))
        .filter((d) => d?.id === started.id)
        .map((d) => d?.version ?? 0)
      expect(versions.length).toBeGreaterThan(1)
      for (let i = 1; i < versions.length; i++) {
        expect(versions[i]).toBeGreaterThanOrEqual(versions[i - 1])
      }
      expect(end.version).toBe(Math.max(...versions))
      expect(started.version).toBeLessThan(end.version)
      expect(value(await router.call('deployments.list', {}))[0]).toMatchObject({
        id: started.id,
        status: 'failed',
        version: end.version
      })
    } finally {
      await rm(lockFile, { force: true })
    }
  }, 60_000)

  it('answers not-found for an unknown environment or release, bad-request for a hostile id', async () => {
    const env = await router.call('environments.status', { environment: 'nowhere' })
    expect(env.ok ? 'ok' : env.error.code).toBe('not-found')
    const release = await router.call('deployments.start', {
      release: '20990101.0000-abcdef1',
      environment: 'staging'
    })
    expect(release.ok ? 'ok' : release.error.code).toBe('not-found')
    const hostile = await router.invoke('deployments.start', {
      release: '$(touch /tmp/pwned)',
      environment: 'staging'
    })
    expect(hostile.ok ? 'ok' : hostile.error.code).toBe('bad-request')
    const shortReason = await router.call('environments.breakLock', {
      environment: 'staging',
      reason: 'x'
    })
    expect(shortReason.ok ? 'ok' : shortReason.error.code).toBe('bad-request')
    const scan = value(await router.call('hosts.scan', { environment: 'staging' }))
    expect(scan).toEqual([expect.objectContaining({ host: 'staging-1', state: 'local' })])
  })
})
