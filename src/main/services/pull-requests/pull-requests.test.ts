import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { SlipwayConfigSchema, type SlipwayConfig } from '../../../shared/config-schema'
import { Team } from '../team'
import { TestService } from '../test-runs'
import { git, TeamRepos } from '../../testing/team-repos'
import { mergePullRequest, type MergeProgress } from './merge'
import { testServiceMergeTests } from './merge-tests'
import { PullRequestsService } from './pull-requests-service'

let repos: TeamRepos | null = null
const cleanup: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c()
  repos?.remove()
  repos = null
})

// The merge result fails when the branch adds broken.txt.
const config = SlipwayConfigSchema.parse({
  project: 'orders',
  tickets: { pattern: 'ORD-[0-9]+' },
  test: { command: 'test ! -e broken.txt', timeoutSeconds: 60, concurrency: 1 },
  pullRequests: { approvals: 1, mergeMethod: 'merge' }
})

async function person(path: string, cfg: SlipwayConfig = config): Promise<Team> {
  const dataDir = mkdtempSync(join(tmpdir(), 'slipway-pr-data-'))
  const tests = new TestService({
    workspacePath: path,
    dataDir,
    config: cfg,
    mainBranch: 'main',
    onEvent: () => {},
    log: () => {},
    fetchIntervalMs: 0
  })
  cleanup.push(async () => {
    await tests.stop()
    rmSync(dataDir, { recursive: true, force: true })
  })
  const started = tests.start().then(() => tests)
  return Team.open({
    repo: path,
    config: cfg,
    mainBranch: 'main',
    mergeTests: testServiceMergeTests(() => started)
  })
}

async function testsSettled(t: Team, branch: string): Promise<void> {
  const deadline = Date.now() + 120_000
  for (;;) {
    const view = await t.pullRequests.view(branch)
    if (view.checks.find((c) => c.name === 'tests')?.status !== 'pending') return
    if (Date.now() > deadline) throw new Error(`tests on ${branch} still pending after 120 s`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

function commitOn(
  path: string,
  branch: string,
  file: string,
  text: string,
  subject: string
): string {
  git(path, ['switch', '--quiet', branch])
  writeFileSync(join(path, file), text)
  git(path, ['add', file])
  git(path, ['commit', '--quiet', '-m', subject])
  git(path, ['switch', '--quiet', 'main'])
  return git(path, ['rev-parse', branch])
}

describe('pull requests across two clones', { timeout: 600_000 }, () => {
  it('A opens, B approves after a sync, A merges after a sync; origin main has the merge', async () => {
    repos = TeamRepos.create()
    const aPath = repos.clone('ana', 'Ana Lima', 'ana@example.com')
    const bPath = repos.clone('ben', 'Ben Okafor', 'ben@example.com')
    const a = await person(aPath)
    const b = await person(bPath)
    const ticket = await a.tickets.create({ title: 'Pay by card' })
    const started = await a.tickets.startWork(ticket.key, false)
    const head = commitOn(aPath, started.branch, 'pay.txt', 'card\n', `${ticket.key} Pay by card`)
    const opened = await a.pullRequests.open({ branch: started.branch })
    expect(opened.push.kind).toBe('pushed')
    expect(git(repos.origin, ['rev-parse', `refs/heads/${started.branch}`])).toBe(head)
    expect(opened.view.pullRequest).toMatchObject({
      title: `${ticket.key} Pay by card`,
      ticket: ticket.key,
      state: 'open',
      author: { email: 'ana@example.com' }
    })
    expect((await a.tickets.list())[0]?.status).toBe('in-review')

    // The author's own approval is refused, naming why.
    await expect(a.pullRequests.review(started.branch, 'approve')).rejects.toThrow(
      /you \(ana@example.com\) authored 1 of this branch's commits .*Pay by card/
    )
    // Merging without an approval is refused, naming the failing check.
    await expect(mergePullRequest(a.pullRequests, started.branch)).rejects.toThrow(
      /cannot merge .*approvals: 1 approval from someone who authored none of its commits required, 0 given/
    )

    expect((await b.sync.sync()).kind).toBe('synced')
    const seen = await b.pullRequests.view(started.branch)
    expect(seen.headRef).toBe(`origin/${started.branch}`)
    expect(seen.commits.map((c) => c.authorEmail)).toEqual(['ana@example.com'])
    // B's test service tests the merge result in the background; the card must agree with the
    // view once that is done, so wait for it rather than race it.
    await testsSettled(b, started.branch)
    const approved = await b.pullRequests.review(started.branch, 'approve', 'Looks right')
    expect(approved.pullRequest.reviews).toEqual([
      expect.objectContaining({ verdict: 'approve', commit: head, body: 'Looks right' })
    ])

    // What branch cards show: each open pull request's checks, as its view has them.
    expect(await b.pullRequests.openChecks()).toEqual([
      {
        branch: started.branch,
        checks: approved.checks.map(({ name, status, summary }) => ({ name, status, summary }))
      }
    ])
    expect(approved.checks.find((c) => c.name === 'approvals')?.status).toBe('passed')

    const progress: MergeProgress['kind'][] = []
    const mainBefore = git(aPath, ['rev-parse', 'main'])
    const out = await mergePullRequest(a.pullRequests, started.branch, (p) => progress.push(p.kind))
    if (out.kind !== 'merged') throw new Error(`expected a merge, got ${JSON.stringify(out)}`)
    // The test service may have tested the merge result already (it watches the refs).
    expect(progress.filter((k) => k !== 'testing')).toEqual(['syncing', 'merging', 'pushing'])
    expect(out.pushed).toBe(true)
    expect(git(repos.origin, ['rev-parse', 'refs/heads/main'])).toBe(out.commit)
    expect(git(aPath, ['rev-parse', 'main'])).toBe(out.commit)
    expect(git(aPath, ['rev-list', '--parents', '-1', out.commit]).split(' ').slice(1)).toEqual([
      mainBefore,
      head
    ])
    expect(git(aPath, ['log', '-1', '--format=%B', out.commit])).toContain(
      'Approved-by: Ben Okafor <ben@example.com>'
    )
    expect(git(aPath, ['status', '--porcelain'])).toBe('')
    expect(out.pullRequest.state).toBe('merged')
    expect(await a.pullRequests.openChecks()).toEqual([])

    expect((await b.sync.sync()).kind).toBe('synced')
    const fromB = await b.pullRequests.find(started.branch)
    expect(fromB.merged).toMatchObject({ commit: out.commit, method: 'merge', head })
    expect((await b.tickets.list())[0]?.status).toBe('done')

    const deleted = await a.pullRequests.deleteBranch(started.branch)
    expect(deleted).toEqual({ local: true, origin: { kind: 'pushed' } })
    expect(git(repos.origin, ['branch', '--list', started.branch])).toBe('')
  })

  it('refuses to merge with failing tests on the merge result, naming the check', async () => {
    repos = TeamRepos.create()
    const aPath = repos.clone('ana', 'Ana Lima', 'ana@example.com')
    const bPath = repos.clone('ben', 'Ben Okafor', 'ben@example.com')
    const a = await person(aPath)
    const b = await person(bPath)
    git(aPath, ['branch', 'ORD-9-broken'])
    commitOn(aPath, 'ORD-9-broken', 'broken.txt', 'x\n', 'ORD-9 Break the build')
    await a.pullRequests.open({ branch: 'ORD-9-broken', title: 'Broken on purpose' })
    await b.sync.sync()
    await b.pullRequests.review('ORD-9-broken', 'approve')
    const progress: string[] = []
    await expect(
      mergePullRequest(a.pullRequests, 'ORD-9-broken', (p) => progress.push(p.kind))
    ).rejects.toThrow(/cannot merge ORD-9-broken: tests: .*exit/)
    expect(progress).not.toContain('merging')
    const view = await a.pullRequests.view('ORD-9-broken')
    expect(view.checks.map((c) => [c.name, c.status])).toEqual([
      ['tests', 'failed'],
      ['approvals', 'passed'],
      ['up-to-date', 'passed']
    ])
    expect(git(repos.origin, ['rev-list', '--count', 'main'])).toBe('1')
  })

  it('when origin main moves during the merge: fetches, retests, asks again, then merges', async () => {
    repos = TeamRepos.create()
    const aPath = repos.clone('ana', 'Ana Lima', 'ana@example.com')
    const bPath = repos.clone('ben', 'Ben Okafor', 'ben@example.com')
    const cPath = repos.clone('cai', 'Cai Tran', 'cai@example.com')
    const a = await person(aPath)
    const b = await person(bPath)
    git(aPath, ['branch', 'ORD-3-feature'])
    commitOn(aPath, 'ORD-3-feature', 'feature.txt', 'f\n', 'ORD-3 Feature')
    await a.pullRequests.open({ branch: 'ORD-3-feature' })
    await b.sync.sync()
    await b.pullRequests.review('ORD-3-feature', 'approve')
    // Someone else pushes to main right after A's merge fetched.
    const base = a.pullRequests.options
    let first = true
    const racing = new PullRequestsService({
      ...base,
      sync: {
        ...base.sync,
        hasOrigin: () => base.sync.hasOrigin(),
        publish: () => base.sync.publish(),
        sync: async () => {
          const out = await base.sync.sync()
          if (first) {
            first = false
            writeFileSync(join(cPath, 'other.txt'), 'other\n')
            git(cPath, ['add', 'other.txt'])
            git(cPath, ['commit', '--quiet', '-m', 'Other work'])
            git(cPath, ['push', '--quiet', 'origin', 'main'])
          }
          return out
        }
      }
    })
    const moved = await mergePullRequest(racing, 'ORD-3-feature')
    if (moved.kind !== 'main-moved') throw new Error(`expected main-moved, got ${moved.kind}`)
    const cMain = git(cPath, ['rev-parse', 'main'])
    expect(moved.main).toBe(cMain)
    expect(moved.retest).toMatchObject({ kind: 'merge', mainSha: cMain })
    expect(git(aPath, ['rev-parse', 'main'])).toBe(cMain)
    expect(moved.message).toMatch(/moved .* merge again when it passes/)
    const again = await mergePullRequest(racing, 'ORD-3-feature')
    expect(again.kind).toBe('merged')
    const originMain = git(repos.origin, ['rev-parse', 'main'])
    expect(git(repos.origin, ['rev-list', '--parents', '-1', originMain]).split(' ')[1]).toBe(cMain)
  })
})
