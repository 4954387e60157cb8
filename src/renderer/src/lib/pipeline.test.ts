import { describe, expect, it } from 'vitest'
import type { Branch, BranchTestState, Release, TestRun } from '../../../shared'
import type { PullRequest } from '../../../shared/pull-request-models'
import { buildPipeline, ticketsUpTo } from './pipeline'

const branch = (name: string, tickets: string[], extra: Partial<Branch> = {}): Branch => ({
  name,
  ref: `refs/heads/${name}`,
  kind: 'local',
  sha: `${name}-sha`,
  subject: `work on ${name}`,
  author: 'ana',
  date: '2026-11-26T12:00:00Z',
  ahead: 1,
  behind: 0,
  tickets,
  isMain: false,
  ...extra
})
const run = (status: TestRun['status']): TestRun => ({ status }) as TestRun
const state = (b: string, tip: TestRun | null, merge: TestRun | null = null): BranchTestState => ({
  branch: b,
  sha: 's',
  tip,
  merge,
  history: []
})
const release = (id: string, tickets: string[], previousId: string | null): Release => ({
  id,
  commit: 'c',
  subject: 's',
  createdAt: '2026-11-26T12:00:00Z',
  createdBy: 'ana',
  sha256: 'x',
  sizeBytes: 1,
  tickets,
  commits: tickets.map((t) => ({ sha: 'c', subject: `${t}: shipped work` })),
  previousId
})
const pull = (b: string, ticket: string | null, state: PullRequest['state']): PullRequest =>
  ({ id: b, branch: b, title: `PR ${b}`, ticket, state }) as PullRequest

describe('buildPipeline', () => {
  const releases = [
    release('r3', ['ORD-5'], 'r2'),
    release('r2', ['ORD-4'], 'r1'),
    release('r1', ['ORD-1', 'ORD-2'], null)
  ]
  const columns = buildPipeline({
    mainBranch: 'main',
    branches: [
      branch('main', [], { isMain: true }),
      branch('feature/ORD-10', ['ORD-10']),
      branch('feature/ORD-11', ['ORD-11']),
      branch('feature/ORD-12', ['ORD-12']),
      branch('origin/feature/ORD-12', ['ORD-12'], { kind: 'remote' }),
      branch('spike', [])
    ],
    testStates: {
      'feature/ORD-11': state('feature/ORD-11', run('failed')),
      'feature/ORD-12': state('feature/ORD-12', run('passed'), run('running'))
    },
    pulls: [pull('feature/ORD-12', 'ORD-12', 'open'), pull('feature/ORD-6', 'ORD-6', 'merged')],
    tickets: [{ key: 'ORD-10', title: 'Checkout button' } as never],
    releases,
    environments: [
      { name: 'staging', release: 'r3' },
      { name: 'production', release: 'r2' }
    ]
  })
  const at = (id: string): string[] =>
    (columns.find((c) => c.id === id)?.items ?? []).map((i) => `${i.key}:${i.test}`)

  it('places each ticket at its furthest stage, with its test status', () => {
    expect(columns.map((c) => c.title)).toEqual([
      'Branch',
      'Tests',
      'Pull request',
      'main',
      'staging',
      'production'
    ])
    expect(at('branch')).toEqual(['ORD-10:none', 'spike:none'])
    expect(at('tests')).toEqual(['ORD-11:failed'])
    // At the pull request the merge result's run counts.
    expect(at('pull-request')).toEqual(['ORD-12:running'])
    expect(at('main')).toEqual(['ORD-6:none'])
    expect(at('env:staging')).toEqual(['ORD-5:none'])
    // Production lists its current release's tickets and counts the ones shipped before.
    expect(at('env:production')).toEqual(['ORD-4:none'])
    expect(columns.at(-1)?.earlier).toBe(2)
    expect(columns[0]?.items[0]?.title).toBe('Checkout button')
    // A shipped ticket's title comes from its commit, without the key it starts with.
    expect(columns.at(-1)?.items[0]?.title).toBe('shipped work')
  })

  it('follows a release back through the ones before it', () => {
    expect([...ticketsUpTo('r2', releases)].sort()).toEqual(['ORD-1', 'ORD-2', 'ORD-4'])
    expect(ticketsUpTo(null, releases).size).toBe(0)
  })
})
