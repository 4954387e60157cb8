import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppEvent } from '../../shared/contract'
import type { Deployment } from '../../shared/deploy-models'
import type { ApiResult } from '../../shared/errors'
import { memorySettingsStore } from '../services/workspace'
import { stopDemoApp } from '../testing/deploy-support'
import { freePort } from '../testing/ports'
import { removeDir, tempDir } from '../testing/temp-dir'
import { createRouter, type Router } from './router'
import { trustOpenWorkspace } from '../testing/trust'

/** A local host's own deployment log, parsed. */
async function hostLog(host: string): Promise<Array<Record<string, unknown>>> {
  const text = await readFile(join(host, '.slipway', 'deployments.jsonl'), 'utf8').catch(() => '')
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>)
}

function value<T>(result: ApiResult<T>): T {
  if (!result.ok) throw new Error(`expected a value, got ${JSON.stringify(result.error)}`)
  return result.value
}

/** `YYYY-MM-DD` of the UTC day `days` from today. */
function utcDay(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10)
}

describe('freeze windows through the router, on the demo workspace', () => {
  let dataDir: string
  let router: Router
  let demo: string
  const events: AppEvent[] = []
  // A dated window from yesterday to the day after tomorrow: in force whenever the test runs.
  const window = `${utcDay(-1)} 00:00 - ${utcDay(2)} 00:00`

  const finished = (id: string, ms = 90_000): Promise<Deployment> =>
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
    dataDir = await tempDir('slipway-freeze-router-')
    router = createRouter({
      host: 'serve',
      version: '9.9.9',
      dataDir,
      settings: memorySettingsStore()
    })
    router.onEvent((e) => events.push(e))
    demo = value(await router.openDemo()).path
    const port = await freePort()
    const yml = join(demo, 'slipway.yml')
    const text = (await readFile(yml, 'utf8'))
      .replace('port: 4301', `port: ${port}`)
      .replace(
        '    deployOn: merge\n',
        `    deployOn: merge\n    freeze: ['${window}']\n    freezeTimezone: UTC\n`
      )
    await writeFile(yml, text)
    value(await router.openWorkspace(demo))
    await trustOpenWorkspace(router)
  }, 120_000)

  afterAll(async () => {
    await stopDemoApp(join(demo, '.slipway', 'hosts', 'staging-1'))
    await router.dispose()
    await removeDir(dataDir)
  })

  it('refuses a deploy inside a freeze, deploys with a written override, shows it, never freezes a rollback', async () => {
    const first = value(await router.call('releases.create', {}))

    const refused = await router.call('deployments.start', {
      release: first.id,
      environment: 'staging'
    })
    expect(refused.ok).toBe(false)
    if (refused.ok) return
    expect(refused.error.code).toBe('frozen')
    expect(refused.error.message).toBe(
      `staging is frozen by '${window}' until ${utcDay(2)} 00:00 (UTC); to deploy anyway, override the freeze with a written reason`
    )
    expect(refused.error.details).toMatchObject({
      environment: 'staging',
      windows: [window],
      endsAt: `${utcDay(2)}T00:00:00.000Z`
    })
    const short = await router.call('deployments.start', {
      release: first.id,
      environment: 'staging',
      overrideFreeze: 'urgent'
    })
    expect(short.ok ? 'ok' : short.error.message).toContain('written reason of 10 characters')

    // Nothing reached the host while refused.
    const host = join(demo, '.slipway', 'hosts', 'staging-1')
    expect(await hostLog(host)).toEqual([])

    const reason = 'ORD-108 checkout outage: the fix must ship now'
    const started = value(
      await router.call('deployments.start', {
        release: first.id,
        environment: 'staging',
        overrideFreeze: reason
      })
    )
    const done = await finished(started.id)
    expect(done.status, done.summary).toBe('succeeded')

    // The override is on the host's own log and on the lane while the freeze lasts.
    const started0 = (await hostLog(host)).find((e) => e.event === 'started')
    expect(started0?.freezeOverride).toMatchObject({ reason, release: first.id })
    const status = value(await router.call('environments.status', { environment: 'staging' }))
    expect(status.freeze).toMatchObject({ windows: [window], timeZone: 'UTC' })
    expect(status.freezeOverride).toMatchObject({
      reason,
      release: first.id,
      freeze: { endsAt: `${utcDay(2)}T00:00:00.000Z` }
    })

    const second = value(await router.call('releases.create', {}))
    const next = value(
      await router.call('deployments.start', {
        release: second.id,
        environment: 'staging',
        overrideFreeze: 'second hotfix for the same ORD-108 outage'
      })
    )
    expect((await finished(next.id)).status).toBe('succeeded')

    // A rollback is never frozen: no override asked.
    const back = value(await router.call('environments.rollback', { environment: 'staging' }))
    const rolled = await finished(back.id)
    expect(rolled.status, rolled.summary).toBe('succeeded')
    const after = value(await router.call('environments.status', { environment: 'staging' }))
    expect(after.hosts[0]?.release).toBe(first.id)
  }, 300_000)
})
