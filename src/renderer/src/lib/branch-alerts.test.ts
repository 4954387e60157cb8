import { describe, expect, it } from 'vitest'
import type { BranchTestState, TestQueue, TestRun } from '../../../shared'
import { createFakeClient, makeBranch, makeListing } from '../test/fake-client'
import { createStores } from '../stores/stores'
import { BranchAlerts } from './branch-alerts'

let seq = 0
function run(overrides: Partial<TestRun> & { branch: string }): TestRun {
  seq++
  return {
    id: `run-${seq}`,
    kind: 'tip',
    sha: String(seq % 10).repeat(40),
    mainSha: null,
    status: 'passed',
    reason: 'new-commit',
    queuedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
    startedAt: null,
    finishedAt: null,
    durationMs: null,
    exitCode: null,
    summary: '',
    conflicts: [],
    failedTests: [],
    logBytes: 0,
    ...overrides
  }
}
const merge = (branch: string, conflicts: string[]): TestRun =>
  run({ branch, kind: 'merge', status: conflicts.length ? 'error' : 'passed', conflicts })
const stateOf = (branch: string, runs: TestRun[]): BranchTestState => ({
  branch,
  sha: runs[0]?.sha ?? '0'.repeat(40),
  tip: runs.find((r) => r.kind === 'tip') ?? null,
  merge: runs.find((r) => r.kind === 'merge') ?? null,
  history: runs
})

describe('alerts about my branches', () => {
  it('says when my branch goes from green to red, not for others or red → red', () => {
    const alerts = new BranchAlerts((b) => b.startsWith('mine/'))
    alerts.remember(stateOf('mine/a', [run({ branch: 'mine/a' })]))
    alerts.remember(stateOf('theirs/b', [run({ branch: 'theirs/b' })]))
    expect(alerts.changed(run({ branch: 'mine/a', status: 'running' }))).toBeNull()
    expect(alerts.changed(run({ branch: 'theirs/b', status: 'failed' }))).toBeNull()
    expect(
      alerts.changed(run({ branch: 'mine/a', status: 'failed', summary: '2 failed' }))
    ).toMatchObject({ kind: 'red', title: 'mine/a went red', body: '2 failed' })
    expect(alerts.changed(run({ branch: 'mine/a', status: 'failed' }))).toBeNull()
    // Never seen green: a first failure is not "went red".
    expect(alerts.changed(run({ branch: 'mine/new', status: 'failed' }))).toBeNull()
  })

  it('says when the merge result of my branch with main starts to conflict, once', () => {
    const alerts = new BranchAlerts((b) => b !== 'theirs')
    // Already conflicting when the board read it: nothing new.
    alerts.remember(stateOf('old', [merge('old', ['a.ts'])]))
    expect(alerts.changed(merge('old', ['a.ts']))).toBeNull()
    alerts.remember(stateOf('mine', [merge('mine', [])]))
    expect(alerts.changed(merge('mine', ['a.ts', 'b.ts', 'c.ts', 'd.ts']))).toEqual({
      branch: 'mine',
      kind: 'conflict',
      title: 'mine now conflicts with main',
      body: 'Merging it into main conflicts in a.ts, b.ts, c.ts and 1 more'
    })
    expect(alerts.changed(merge('mine', ['a.ts']))).toBeNull()
    expect(alerts.changed(merge('mine', []))).toBeNull()
    expect(alerts.changed(merge('mine', ['z.ts']))?.kind).toBe('conflict')
    // A merge result never tried before that conflicts: it starts to conflict now.
    expect(alerts.changed(merge('fresh', ['x.ts']))?.kind).toBe('conflict')
    expect(alerts.changed(merge('theirs', ['x.ts']))).toBeNull()
    expect(alerts.changed({ ...merge('queued', ['x.ts']), status: 'running' })).toBeNull()
  })

  it('in the app: the tests store notifies about the branches branches.mine names', async () => {
    const notes: string[] = []
    const original = globalThis.Notification
    class FakeNotification {
      static permission = 'granted'
      constructor(title: string, options: { body: string }) {
        notes.push(`${title}: ${options.body}`)
      }
    }
    globalThis.Notification = FakeNotification as unknown as typeof Notification
    try {
      const green = (branch: string): TestRun => run({ branch })
      const client = createFakeClient({
        'branches.list': () =>
          makeListing([makeBranch({ name: 'feature/mine' }), makeBranch({ name: 'feature/bo' })]),
        'branches.mine': () => ({ email: 'ana@example.com', names: ['feature/mine'] }),
        'tests.branchStates': () => [
          stateOf('feature/mine', [green('feature/mine')]),
          stateOf('feature/bo', [green('feature/bo')])
        ],
        'tests.queue': (): TestQueue => ({ paused: false, concurrency: 1, running: [], queued: [] })
      })
      const stores = createStores(client)
      await stores.branches.getState().load()
      await stores.branches.getState().loadMine()
      await stores.tests.getState().load()
      stores.tests.getState().runChanged(run({ branch: 'feature/bo', status: 'failed' }))
      stores.tests.getState().runChanged(run({ branch: 'feature/mine', status: 'failed' }))
      stores.tests.getState().runChanged(merge('feature/mine', ['src/a.ts']))
      stores.tests.getState().runChanged(merge('feature/bo', ['src/a.ts']))
      expect(notes).toEqual([
        'feature/mine went red: Tests failed at ' + notesSha(stores, 'feature/mine'),
        'feature/mine now conflicts with main: Merging it into main conflicts in src/a.ts'
      ])
    } finally {
      globalThis.Notification = original
    }
  })
})

/** The sha the last tip run of `branch` tested, short. */
function notesSha(stores: ReturnType<typeof createStores>, branch: string): string {
  const state = stores.tests.getState().states[branch]
  return (state?.tip?.sha ?? '').slice(0, 8)
}
