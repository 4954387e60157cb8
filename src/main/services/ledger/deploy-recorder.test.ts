import { afterEach, describe, expect, it } from 'vitest'
import type { Deployment } from '../../../shared/deploy-models'
import { TeamRepos } from '../../testing/team-repos'
import { TeamStateStore } from '../team-state'
import { LedgerDeployRecorder } from './deploy-recorder'
import { Ledger } from './ledger'

let repos: TeamRepos | null = null
afterEach(() => {
  repos?.remove()
  repos = null
})

const deployment = (patch: Partial<Deployment>): Deployment => ({
  id: 'dep-1',
  workspace: '/w',
  kind: 'deploy',
  release: '20261202.1900-abc1234',
  environment: 'production',
  status: 'running',
  startedBy: 'ana@laptop',
  startedAt: '2026-12-04T17:00:00.000Z',
  finishedAt: null,
  hosts: [
    { host: 'web-1', step: 'preflight', state: 'done', progress: null, message: '' },
    { host: 'web-2', step: 'preflight', state: 'done', progress: null, message: '' }
  ],
  log: [],
  summary: '',
  version: 1,
  ...patch
})

describe('LedgerDeployRecorder', { timeout: 120_000 }, () => {
  it('records one start, one lock once every host holds it, one end, a freeze override; a failed append never throws', async () => {
    repos = TeamRepos.create()
    const ledger = await Ledger.open(
      await TeamStateStore.open(repos.clone('ana', 'Ana Lima', 'ana@example.com'))
    )
    const failures: string[] = []
    const recorder = new LedgerDeployRecorder({
      append: (draft) => ledger.append(draft),
      failed: (message) => failures.push(message),
      ticketsOf: async () => ['ORD-142'],
      actor: 'ana@laptop'
    })
    const host = (step: string, state: string) =>
      ({ host: '', step, state, progress: null, message: '' }) as Deployment['hosts'][number]
    recorder.deployment(deployment({}), 'ship ORD-142')
    // web-1 locked, web-2 not yet: no lock entry; then web-2 too (web-1 already uploading).
    recorder.deployment(
      deployment({
        hosts: [
          { ...host('lock', 'done'), host: 'web-1' },
          { ...host('lock', 'running'), host: 'web-2' }
        ]
      }),
      'ship ORD-142'
    )
    await recorder.idle()
    expect((await ledger.list()).map((r) => r.entry.kind)).toEqual(['deployment'])
    recorder.deployment(
      deployment({
        hosts: [
          { ...host('upload', 'running'), host: 'web-1' },
          { ...host('lock', 'done'), host: 'web-2' }
        ]
      }),
      'ship ORD-142'
    )
    recorder.overrode('production', {
      reason: 'hotfix for the checkout outage',
      by: 'ana@laptop',
      at: '2026-12-04T17:00:01.000Z',
      release: '20261202.1900-abc1234',
      freeze: {
        windows: ['Fri 16:00 - Mon 08:00'],
        endsAt: '2026-12-07T07:00:00.000Z',
        endsAtLocal: '2026-12-07 08:00',
        timeZone: 'Europe/Berlin'
      }
    })
    const done = deployment({
      status: 'succeeded',
      finishedAt: '2026-12-04T17:05:00.000Z',
      summary: 'all good'
    })
    recorder.deployment(done, 'ship ORD-142')
    recorder.deployment(done, 'ship ORD-142')
    recorder.lockBroken('production', [], 'nothing broken')
    await recorder.idle()
    const entries = (await ledger.list()).reverse().map((r) => r.entry)
    expect(entries.map((e) => (e.kind === 'deployment' ? `${e.kind} ${e.phase}` : e.kind))).toEqual(
      ['deployment started', 'lock', 'override', 'deployment finished']
    )
    expect(entries[0]).toMatchObject({
      reason: 'ship ORD-142',
      tickets: ['ORD-142'],
      hosts: ['web-1', 'web-2']
    })
    expect(entries[2]).toMatchObject({
      rule: 'freeze',
      window: 'Fri 16:00 - Mon 08:00 (until 2026-12-07 08:00 Europe/Berlin)',
      reason: 'hotfix for the checkout outage'
    })
    expect(entries[3]).toMatchObject({ outcome: 'succeeded', summary: 'all good' })

    // An entry its schema refuses (an empty environment) is reported, and recording goes on.
    recorder.deployment(deployment({ id: 'dep-2', environment: '' }), null)
    recorder.released({
      id: '20261204.1800-def5678',
      commit: 'd'.repeat(40),
      subject: 'Merge',
      createdAt: '2026-12-04T18:00:00.000Z',
      createdBy: 'ana@laptop',
      sha256: 'e'.repeat(64),
      sizeBytes: 10,
      tickets: [],
      commits: [],
      previousId: null
    })
    await recorder.idle()
    expect(failures).toEqual(['could not record deploy dep-2 start in the ledger'])
    expect((await ledger.list())[0]?.entry.kind).toBe('release')
  })

  it('records a rollback once it knows its target, and nothing for one refused before choosing', async () => {
    repos = TeamRepos.create()
    const ledger = await Ledger.open(
      await TeamStateStore.open(repos.clone('ana', 'Ana Lima', 'ana@example.com'))
    )
    const failures: string[] = []
    const recorder = new LedgerDeployRecorder({
      append: (draft) => ledger.append(draft),
      failed: (message) => failures.push(message),
      ticketsOf: async () => [],
      actor: 'ana@laptop'
    })
    const rollback = (patch: Partial<Deployment>): Deployment =>
      deployment({ id: 'rb-1', kind: 'rollback', release: '', ...patch })
    // Reading the hosts: no target yet.
    recorder.deployment(rollback({}), 'bad release')
    // The hosts named the previous release: now it starts, and ends.
    const target = '20261201.1200-aaa1111'
    recorder.deployment(rollback({ release: target }), 'bad release')
    recorder.deployment(
      rollback({ release: target, status: 'succeeded', finishedAt: '2026-12-04T17:01:00.000Z' }),
      'bad release'
    )
    // Refused before it chose a release (no earlier release on the hosts).
    recorder.deployment(rollback({ id: 'rb-2' }), null)
    recorder.deployment(
      rollback({ id: 'rb-2', status: 'failed', finishedAt: '2026-12-04T17:02:00.000Z' }),
      null
    )
    await recorder.idle()
    expect(failures).toEqual([])
    const entries = (await ledger.list()).reverse().map((r) => r.entry)
    expect(
      entries.map((e) =>
        e.kind === 'rollback' ? `${e.deployment} ${e.phase} ${e.release}` : e.kind
      )
    ).toEqual([`rb-1 started ${target}`, `rb-1 finished ${target}`])
  })
})
