import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PullRequest, PullRequestView } from '../../shared/pull-request-models'
import type { Ticket } from '../../shared/ticket-models'
import { runCli, type CliRun } from '../testing/cli-process'
import { git, TeamRepos } from '../testing/team-repos'
import { removeDir, tempDir } from '../testing/temp-dir'

// Two people, two clones of one bare origin, each with their own git identity and data
// folder, driving the real `slipway` processes.
const PIPELINE = `project: orders
tickets:
  pattern: 'ORD-[0-9]+'
test:
  command: test ! -e broken.txt
  timeoutSeconds: 60
  concurrency: 1
pullRequests:
  approvals: 1
  mergeMethod: merge
`

describe('slipway ticket, pr and sync across two clones (real processes)', () => {
  let repos: TeamRepos
  let ana: string
  let ben: string
  const dirs: string[] = []
  const envs = new Map<string, NodeJS.ProcessEnv>()

  const as = async (who: string, ...args: string[]): Promise<CliRun> =>
    runCli(args, { cwd: who, env: envs.get(who) ?? process.env, timeoutMs: 240_000 })
  const ok = async (who: string, ...args: string[]): Promise<string> => {
    const r = await as(who, ...args)
    expect(r.code, `slipway ${args.join(' ')}: ${r.stderr}`).toBe(0)
    return r.stdout
  }
  const commit = (path: string, file: string, subject: string): void => {
    writeFileSync(join(path, file), `${subject}\n`)
    git(path, ['add', file])
    git(path, ['commit', '--quiet', '-m', subject])
  }

  beforeAll(async () => {
    repos = TeamRepos.create()
    const seed = repos.clone('seed', 'Seed', 'seed@example.com')
    writeFileSync(join(seed, 'slipway.yml'), PIPELINE)
    git(seed, ['add', 'slipway.yml'])
    git(seed, ['commit', '--quiet', '-m', 'Pipeline'])
    git(seed, ['push', '--quiet', 'origin', 'main'])
    ana = repos.clone('ana', 'Ana Lima', 'ana@example.com')
    ben = repos.clone('ben', 'Ben Okafor', 'ben@example.com')
    for (const who of [ana, ben]) {
      const dir = await tempDir('slipway-team-cli-')
      dirs.push(dir)
      envs.set(who, { ...process.env, SLIPWAY_DATA_DIR: dir, SLIPWAY_DEBUG: '' })
    }
    const warm = await as(ana, '--version')
    expect(warm.code, warm.stderr).toBe(0)
    for (const env of envs.values()) env.SLIPWAY_SKIP_BUILD = '1'
  }, 240_000)
  afterAll(async () => {
    repos.remove()
    for (const d of dirs) await removeDir(d)
  })

  it('A opens a pull request, B approves after a sync, A merges after a sync; origin main has the merge', async () => {
    const ticket = JSON.parse(
      await ok(ana, 'ticket', 'new', 'Pay', 'by', 'card', '--json')
    ) as Ticket
    expect(ticket).toMatchObject({ key: 'ORD-1', title: 'Pay by card', status: 'open' })
    expect(await ok(ana, 'ticket', 'list')).toMatch(
      /^KEY +STATUS +TYPE +ASSIGNEE +TITLE\nORD-1 +open +task +- +Pay by card\n$/
    )
    const started = await ok(ana, 'ticket', 'start', 'ORD-1', '--switch')
    expect(started).toContain('Created branch ORD-1-pay-by-card for ORD-1 (in-progress)')
    expect(started).toContain('Switched to ORD-1-pay-by-card')
    commit(ana, 'pay.txt', 'ORD-1 Pay by card')
    const head = git(ana, ['rev-parse', 'HEAD'])
    git(ana, ['switch', '--quiet', 'main'])
    expect(await ok(ana, 'pr', 'open', 'ORD-1-pay-by-card')).toBe(
      'Opened pull request for ORD-1-pay-by-card: ORD-1 Pay by card (pushed ORD-1-pay-by-card to origin)\n'
    )

    // The author's own approval is refused, with the reason.
    const own = await as(ana, 'pr', 'approve', 'ORD-1-pay-by-card')
    expect(own.code).toBe(1)
    expect(own.stderr).toMatch(
      /^slipway: you \(ana@example.com\) authored 1 of this branch's commits/
    )
    // Merging without an approval is refused, naming the check.
    const early = await as(ana, 'pr', 'merge', 'ORD-1-pay-by-card', '--trust')
    expect(early.code).toBe(1)
    expect(early.stderr).toMatch(
      /slipway: cannot merge ORD-1-pay-by-card: approvals: 1 approval from someone who authored none of its commits required, 0 given/
    )
    expect(git(repos.origin, ['rev-parse', 'main'])).not.toBe(head)

    expect(await ok(ben, 'sync')).toMatch(/^Synced with origin: \d+ received/)
    const listed = JSON.parse(await ok(ben, 'pr', 'list', '--json')) as PullRequest[]
    expect(listed.map((p) => [p.branch, p.state, p.author.name])).toEqual([
      ['ORD-1-pay-by-card', 'open', 'Ana Lima']
    ])
    expect(await ok(ben, 'pr', 'approve', 'ORD-1-pay-by-card', '--comment', 'Ship it')).toMatch(
      /^Approved ORD-1-pay-by-card at [0-9a-f]{8} \(approvals: approved by Ben Okafor/
    )

    await ok(ana, 'sync')
    const shown = JSON.parse(
      await ok(ana, 'pr', 'show', 'ORD-1-pay-by-card', '--json')
    ) as PullRequestView
    expect(shown.checks.find((c) => c.name === 'approvals')?.status).toBe('passed')
    const merged = await as(ana, 'pr', 'merge', 'ORD-1-pay-by-card', '--delete-branch', '--trust')
    expect(merged.code, merged.stderr).toBe(0)
    expect(merged.stderr).toContain('slipway: pushing main to origin…')
    expect(merged.stdout).toMatch(
      /^Merged ORD-1-pay-by-card into main: [0-9a-f]{8} \(pushed to origin\)\nDeleted ORD-1-pay-by-card here and on origin\n$/
    )
    const originMain = git(repos.origin, ['rev-parse', 'main'])
    expect(git(repos.origin, ['rev-list', '--parents', '-1', originMain]).split(' ')).toContain(
      head
    )
    expect(git(repos.origin, ['branch', '--list', 'ORD-1-pay-by-card'])).toBe('')

    await ok(ben, 'sync')
    const fromBen = JSON.parse(
      await ok(ben, 'pr', 'list', '--state', 'all', '--json')
    ) as PullRequest[]
    expect(fromBen[0]?.merged?.commit).toBe(originMain)
    expect(await ok(ben, 'ticket', 'list', '--status', 'done')).toContain('ORD-1')
  }, 600_000)

  it('refuses to merge when the merge result fails its tests, naming the check', async () => {
    git(ana, ['switch', '--quiet', '-c', 'ORD-2-broken'])
    commit(ana, 'broken.txt', 'ORD-2 Break it')
    git(ana, ['switch', '--quiet', 'main'])
    await ok(ana, 'pr', 'open', 'ORD-2-broken', '--title', 'Broken on purpose')
    await ok(ben, 'sync')
    await ok(ben, 'pr', 'approve', 'ORD-2-broken')
    const before = git(repos.origin, ['rev-parse', 'main'])
    const r = await as(ana, 'pr', 'merge', 'ORD-2-broken', '--trust')
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/slipway: cannot merge ORD-2-broken: tests: .*exit code 1/)
    expect(git(repos.origin, ['rev-parse', 'main'])).toBe(before)
  }, 600_000)

  it('gives two clones creating tickets offline distinct keys', async () => {
    await ok(ana, 'sync')
    await ok(ben, 'sync')
    await ok(ana, 'sync')
    repos.goOffline()
    try {
      const offline = await as(ana, 'sync')
      expect(offline.code).toBe(1)
      expect(offline.stdout).toContain('Origin could not be reached')
      const keys: string[] = []
      for (const who of [ana, ben, ana, ben]) {
        keys.push(
          (JSON.parse(await ok(who, 'ticket', 'new', 'Offline', 'work', '--json')) as Ticket).key
        )
      }
      expect(new Set(keys).size).toBe(4)
    } finally {
      repos.goOnline()
    }
    await ok(ana, 'sync')
    await ok(ben, 'sync')
    await ok(ana, 'sync')
    const fromAna = JSON.parse(await ok(ana, 'ticket', 'list', '--json')) as Ticket[]
    const fromBen = JSON.parse(await ok(ben, 'ticket', 'list', '--json')) as Ticket[]
    expect(fromBen).toEqual(fromAna)
    expect(new Set(fromAna.map((t) => t.key)).size).toBe(fromAna.length)
    expect(fromAna.filter((t) => t.title === 'Offline work')).toHaveLength(4)
  }, 600_000)

  it('answers usage errors with exit code 2 and one line', async () => {
    const r = await as(ana, 'pr', 'approve')
    expect(r.code).toBe(2)
    expect(r.stderr).toBe('slipway: pr approve needs a branch\n')
    const bad = await as(ana, 'ticket', 'list', '--status', 'nope')
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--status must be one of open, in-progress/)
    const unknown = await as(ana, 'pr', 'show', 'no-such-branch')
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toBe('slipway: no pull request for no-such-branch\n')
  }, 120_000)
})
