import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ApiResult } from '../../shared/errors'
import type { Deployment } from '../../shared/deploy-models'
import type { LedgerRecord } from '../../shared/ledger-models'
import { memorySettingsStore } from '../services/workspace'
import { createRouter, type Router } from './router'
import { stopDemoApp } from '../testing/deploy-support'
import { freePort } from '../testing/ports'
import { git } from '../testing/team-repos'
import { removeDir, tempDir } from '../testing/temp-dir'
import { trustOpenWorkspace } from '../testing/trust'

function value<T>(result: ApiResult<T>): T {
  if (!result.ok) throw new Error(`expected a value, got ${JSON.stringify(result.error)}`)
  return result.value
}

function finished(router: Router, id: string): Promise<Deployment> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${id} did not finish in 90 s`)), 90_000)
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

/** The ledger once it holds `count` entries (recording runs beside the operations). */
async function ledgerOf(router: Router, count: number): Promise<LedgerRecord[]> {
  for (let i = 0; i < 200; i += 1) {
    const list = value(await router.call('ledger.list', {}))
    if (list.length >= count) return list
    await new Promise((r) => setTimeout(r, 100))
  }
  return value(await router.call('ledger.list', {}))
}

const line = (r: LedgerRecord): string => {
  const e = r.entry
  if (e.kind === 'deployment' || e.kind === 'rollback') return `${e.kind} ${e.phase} ${e.outcome}`
  return e.kind
}

// Issue 9 item 6: every release, deployment (start and outcome), rollback, lock and lock break
// is appended to the ledger, which verifies against the hosts' own logs.
describe('ledger through the router', () => {
  let dataDir: string
  let demo = ''
  let router: Router

  beforeAll(async () => {
    dataDir = await tempDir('slipway-ledger-router-')
    router = createRouter({
      host: 'serve',
      version: '9.9.9',
      dataDir,
      settings: memorySettingsStore()
    })
  }, 30_000)

  afterAll(async () => {
    await router.dispose()
    if (demo) await stopDemoApp(join(demo, '.slipway', 'hosts', 'staging-1'))
    await removeDir(dataDir)
  })

  it('records releases, deployments, rollbacks, locks and lock breaks; verify checks them against the hosts', async () => {
    demo = value(await router.openDemo()).path
    git(demo, ['config', 'user.name', 'Ana Lima'])
    git(demo, ['config', 'user.email', 'ana@orders.example'])
    const yml = join(demo, 'slipway.yml')
    const port = await freePort()
    await writeFile(yml, (await readFile(yml, 'utf8')).replace('port: 4301', `port: ${port}`))
    value(await router.openWorkspace(demo))
    // The port changed slipway.yml since the demo was trusted by construction.
    await trustOpenWorkspace(router)

    const first = value(await router.call('releases.create', {}))
    const d1 = value(
      await router.call('deployments.start', {
        release: first.id,
        environment: 'staging',
        reason: 'ORD-108 to staging'
      })
    )
    expect((await finished(router, d1.id)).status).toBe('succeeded')
    const second = value(await router.call('releases.create', {}))
    const d2 = value(
      await router.call('deployments.start', { release: second.id, environment: 'staging' })
    )
    expect((await finished(router, d2.id)).status).toBe('succeeded')
    const back = value(
      await router.call('environments.rollback', {
        environment: 'staging',
        to: first.id,
        reason: 'checkout totals wrong'
      })
    )
    expect((await finished(router, back.id)).status).toBe('succeeded')
    // A lock left by a teammate's crashed laptop, 20 minutes old, broken with a reason.
    const old = new Date(Date.now() - 20 * 60_000).toISOString()
    await writeFile(
      join(demo, '.slipway', 'hosts', 'staging-1', '.slipway', 'lock'),
      JSON.stringify({
        holder: 'ben@desk',
        machine: 'desk',
        reason: 'hotfix',
        since: old,
        heartbeatAt: old,
        deployment: 'd-ben',
        environment: 'staging'
      }) + '\n'
    )
    value(
      await router.call('environments.breakLock', {
        environment: 'staging',
        reason: 'Ben is on holiday'
      })
    )

    const ledger = (await ledgerOf(router, 12)).reverse()
    expect(ledger.map(line)).toEqual([
      'release',
      'deployment started null',
      'lock',
      'deployment finished succeeded',
      'release',
      'deployment started null',
      'lock',
      'deployment finished succeeded',
      'rollback started null',
      'lock',
      'rollback finished succeeded',
      'lock-break'
    ])
    expect(ledger.map((r) => r.position)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
    expect(ledger[0]?.entry).toMatchObject({ kind: 'release', release: first.id })
    expect(ledger[1]?.entry).toMatchObject({
      deployment: d1.id,
      release: first.id,
      environment: 'staging',
      reason: 'ORD-108 to staging',
      hosts: ['staging-1']
    })
    expect(ledger[11]?.entry).toMatchObject({
      hosts: ['staging-1'],
      reason: 'Ben is on holiday',
      holder: expect.stringContaining('ben@desk') as string
    })
    expect(ledger[0]?.author).toEqual({ name: 'Ana Lima', email: 'ana@orders.example' })
    // Filters: by outcome, by person, by ticket (the release's tickets ride on its deployments).
    const succeeded = value(await router.call('ledger.list', { outcome: 'succeeded' }))
    expect(succeeded.map((r) => r.position)).toEqual([11, 8, 4])
    expect(value(await router.call('ledger.list', { person: 'nobody-here' }))).toEqual([])
    const ticket = first.tickets[0]
    if (ticket) {
      const byTicket = value(await router.call('ledger.list', { ticket }))
      expect(byTicket.map((r) => r.position)).toContain(1)
    }

    const verified = value(await router.call('ledger.verify', {}))
    expect(verified).toMatchObject({ ok: true, entries: 12, findings: [], remembered: true })
    expect(verified.hosts.checked).toBe(3)
    expect(verified.hosts.unreadable).toEqual([])

    // The host's own log loses the end of the first deployment: verify names the entry.
    const log = join(demo, '.slipway', 'hosts', 'staging-1', '.slipway', 'deployments.jsonl')
    const lines = (await readFile(log, 'utf8')).split('\n')
    await writeFile(
      log,
      lines.filter((l) => !(l.includes(d1.id) && l.includes('"finished"'))).join('\n')
    )
    const mismatch = value(await router.call('ledger.verify', {}))
    expect(mismatch.ok).toBe(false)
    expect(mismatch.findings).toEqual([
      expect.objectContaining({ kind: 'host-mismatch', position: 4, deployment: d1.id })
    ])

    const csv = value(await router.call('ledger.export', { format: 'csv' }))
    expect(csv.entries).toBe(12)
    expect(csv.text.split('\r\n')[1]).toContain(`,release,,${first.id},`)
    const json = value(await router.call('ledger.export', { environment: 'staging' }))
    expect((JSON.parse(json.text) as LedgerRecord[]).map((r) => r.position)).toEqual([
      2, 3, 4, 6, 7, 8, 9, 10, 11, 12
    ])
  }, 400_000)
})
