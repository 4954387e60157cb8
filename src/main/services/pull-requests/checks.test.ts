import { describe, expect, it } from 'vitest'
import { SlipwayConfigSchema } from '../../../shared/config-schema'
import type { PullCommit, PullRequest, Review } from '../../../shared/pull-request-models'
import type { TestRun } from '../../../shared/test-models'
import { evaluateChecks, type CheckInputs } from './checks'

const HEAD = 'a'.repeat(40)
const OLD_HEAD = 'b'.repeat(40)
const MAIN = 'c'.repeat(40)
const OLD_MAIN = 'd'.repeat(40)
const config = SlipwayConfigSchema.parse({ test: { command: 'npm test' } })

const ana = { name: 'Ana', email: 'ana@example.com' }
const ben = { name: 'Ben', email: 'ben@example.com' }
const cai = { name: 'Cai', email: 'cai@example.com' }

function review(author: typeof ana, verdict: Review['verdict'], commit = HEAD): Review {
  return { id: `${author.name}-${verdict}-${commit}`, author, verdict, body: '', commit, at: '' }
}

function run(status: TestRun['status'], mainSha = MAIN, summary: string = status): TestRun {
  return {
    id: `r-${status}`,
    kind: 'merge',
    sha: HEAD,
    mainSha,
    branch: 'x',
    status,
    reason: 'manual',
    queuedAt: '',
    startedAt: null,
    finishedAt: null,
    durationMs: null,
    exitCode: null,
    summary,
    conflicts: [],
    failedTests: [],
    logBytes: 0
  }
}

function inputs(over: Partial<CheckInputs> & { reviews?: Review[] } = {}): CheckInputs {
  const pr: PullRequest = {
    id: 'p',
    branch: 'ORD-1-x',
    title: 't',
    description: '',
    ticket: null,
    author: ana,
    openedAt: '',
    updatedAt: '',
    state: 'open',
    reviews: over.reviews ?? [],
    comments: [],
    merged: null
  }
  const commits: PullCommit[] = [
    {
      sha: HEAD,
      subject: 's',
      author: 'Ana',
      authorEmail: 'ANA@example.com',
      date: '',
      tickets: []
    }
  ]
  return {
    pullRequest: pr,
    head: HEAD,
    mainSha: MAIN,
    commits,
    config,
    exactRun: run('passed'),
    latestRun: run('passed'),
    ...over
  }
}

const summary = (i: CheckInputs): Record<string, string> =>
  Object.fromEntries(evaluateChecks(i).map((c) => [c.name, `${c.status}: ${c.summary}`]))

describe('pull request checks', () => {
  it('passes with green merge tests at main’s tip and an approval from a non-author', () => {
    expect(summary(inputs({ reviews: [review(ben, 'approve')] }))).toEqual({
      tests: `passed: passed (merge with main at ${MAIN.slice(0, 8)})`,
      approvals: 'passed: approved by Ben (1 required)',
      'up-to-date': `passed: the merge with main's tip ${MAIN.slice(0, 8)} was tested`
    })
  })

  it('does not count the approval of a commit author (any case of the email), nor of an older tip', () => {
    const s = summary(
      inputs({ reviews: [review(ana, 'approve'), review(ben, 'approve', OLD_HEAD)] })
    )
    expect(s.approvals).toBe(
      'failed: 1 approval from someone who authored none of its commits required, 0 given; Ana authored commits on the branch, so that approval does not count; Ben approved an older commit'
    )
  })

  it('fails approvals while a reviewer’s latest word is "request changes", and not after they approve', () => {
    expect(
      summary(inputs({ reviews: [review(ben, 'approve'), review(cai, 'request-changes')] }))
        .approvals
    ).toBe('failed: changes requested by Cai')
    const later = [review(cai, 'request-changes'), review(cai, 'approve')]
    expect(summary(inputs({ reviews: later })).approvals).toBe(
      'passed: approved by Cai (1 required)'
    )
  })

  it('says main moved when the merge result was tested at an older main, and pending when never', () => {
    const moved = summary(inputs({ exactRun: null, latestRun: run('passed', OLD_MAIN) }))
    expect(moved['up-to-date']).toBe(
      `failed: main moved to ${MAIN.slice(0, 8)} since the merge result was tested (with ${OLD_MAIN.slice(0, 8)})`
    )
    const never = summary(inputs({ exactRun: null, latestRun: null }))
    expect(never.tests).toBe('pending: the merge result has not been tested yet')
    expect(never['up-to-date']).toMatch(/^pending: /)
  })

  it('names a failing run by its summary and fails without a test command', () => {
    const red = run('failed', MAIN, '2 tests failed')
    expect(summary(inputs({ exactRun: red, latestRun: red })).tests).toBe(
      `failed: 2 tests failed (merge with main at ${MAIN.slice(0, 8)})`
    )
    const none = summary(
      inputs({ config: SlipwayConfigSchema.parse({}), exactRun: null, latestRun: null })
    )
    expect(none.tests).toBe('failed: slipway.yml has no test.command, so nothing tests the merge')
  })

  it('needs no approval when pullRequests.approvals is 0', () => {
    const zero = SlipwayConfigSchema.parse({
      test: { command: 'x' },
      pullRequests: { approvals: 0 }
    })
    expect(summary(inputs({ config: zero })).approvals).toBe('passed: no approval required')
  })
})
