import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { recordLocalDeployment } from '../deploy/local-records'
import { createRelease } from '../releases'
import { afterEach, describe, expect, it } from 'vitest'
import { SlipwayConfigSchema } from '../../../shared/config-schema'
import { Team } from '../team'
import { git, TeamRepos } from '../../testing/team-repos'
import { branchNameFor } from './start-work'

let repos: TeamRepos | null = null
afterEach(() => {
  repos?.remove()
  repos = null
})

const config = SlipwayConfigSchema.parse({ project: 'orders', tickets: { pattern: 'ORD-[0-9]+' } })

async function team(path: string): Promise<Team> {
  return Team.open({ repo: path, config, mainBranch: 'main' })
}

function commit(path: string, file: string, subject: string): string {
  writeFileSync(join(path, file), `${subject}\n`)
  git(path, ['add', file])
  git(path, ['commit', '--quiet', '-m', subject])
  return git(path, ['rev-parse', 'HEAD'])
}

describe('tickets (embedded tracker)', { timeout: 180_000 }, () => {
  it('creates tickets keyed from the project prefix, past keys already used in branch names', async () => {
    repos = TeamRepos.create()
    const a = repos.clone('ana', 'Ana Lima', 'ana@example.com')
    git(a, ['branch', 'ORD-41-old-work'])
    const t = await team(a)
    const first = await t.tickets.create({ title: 'Fix the login page', type: 'bug' })
    const second = await t.tickets.create({ title: 'Add invoices' })
    expect([first.key, second.key]).toEqual(['ORD-42', 'ORD-43'])
    expect(first).toMatchObject({
      title: 'Fix the login page',
      type: 'bug',
      status: 'open',
      assignee: null,
      keyConfirmed: true,
      createdBy: { name: 'Ana Lima', email: 'ana@example.com' }
    })
    const edited = await t.tickets.edit('ord-42', { status: 'done', assignee: 'Ben' })
    expect(edited).toMatchObject({ key: 'ORD-42', status: 'done', assignee: 'Ben', changes: 2 })
    // Read cold from the refs: the same state.
    const cold = await team(a)
    expect(await cold.tickets.list()).toEqual(await t.tickets.list())
    expect(await cold.tickets.list({ status: ['open'] })).toHaveLength(1)
    expect(await cold.tickets.list({ text: 'login' })).toEqual([edited])
    expect(git(a, ['log', '-1', '--format=%s', 'refs/slipway/tickets/' + first.id])).toBe(
      'ORD-42 status: done'.replace('status: done', 'edit status, assignee')
    )
    expect(git(a, ['status', '--porcelain'])).toBe('')
  })

  it('refuses a ticket without a title and says how to set a prefix when there is none', async () => {
    repos = TeamRepos.create()
    const a = repos.clone('ana', 'Ana Lima', 'ana@example.com')
    await expect((await team(a)).tickets.create({ title: '  ' })).rejects.toThrow(/title/)
    const noPrefix = await Team.open({
      repo: a,
      config: SlipwayConfigSchema.parse({}),
      mainBranch: 'main'
    })
    await expect(noPrefix.tickets.create({ title: 'x' })).rejects.toThrow(/tickets: \{ prefix/)
  })

  it('gives two clones creating tickets offline distinct keys, and both agree after a sync', async () => {
    repos = TeamRepos.create()
    const a = await team(repos.clone('ana', 'Ana Lima', 'ana@example.com'))
    const b = await team(repos.clone('ben', 'Ben Okafor', 'ben@example.com'))
    // Online, each sync leaves the clone a spare block of numbers.
    expect((await a.sync.sync()).kind).toBe('synced')
    expect((await b.sync.sync()).kind).toBe('synced')
    repos.goOffline()
    const fromA = [await a.tickets.create({ title: 'A1' }), await a.tickets.create({ title: 'A2' })]
    const fromB = [await b.tickets.create({ title: 'B1' }), await b.tickets.create({ title: 'B2' })]
    const keys = [...fromA, ...fromB].map((x) => x.key)
    expect(new Set(keys).size).toBe(4)
    expect([...fromA, ...fromB].every((x) => x.keyConfirmed)).toBe(true)
    repos.goOnline()
    for (const t of [a, b, a]) expect((await t.sync.sync()).kind).toBe('synced')
    const listA = await a.tickets.list()
    expect(listA.map((x) => x.key).sort()).toEqual([...keys].sort())
    expect(await b.tickets.list()).toEqual(listA)
  })

  it('moves a key drawn offline from a block another clone claimed first, and says it was tentative', async () => {
    repos = TeamRepos.create()
    const a = await team(repos.clone('ana', 'Ana Lima', 'ana@example.com'))
    const b = await team(repos.clone('ben', 'Ben Okafor', 'ben@example.com'))
    for (const t of [a, b, a]) await t.sync.sync()
    repos.goOffline()
    // Ten numbers per block: the eleventh ticket of each clone comes from a block claimed
    // offline, at the same place on both.
    const made: Record<string, string[]> = { a: [], b: [] }
    for (let i = 0; i < 11; i += 1) {
      made.a?.push((await a.tickets.create({ title: `A${i}` })).key)
      made.b?.push((await b.tickets.create({ title: `B${i}` })).key)
    }
    const tentativeA = (await a.tickets.list()).filter((t) => !t.keyConfirmed)
    expect(tentativeA.map((t) => t.title)).toEqual(['A10'])
    expect(made.a?.[10]).toBe('ORD-21')
    expect(made.b?.[10]).toBe('ORD-21')
    repos.goOnline()
    for (const t of [a, b, a]) expect((await t.sync.sync()).kind).toBe('synced')
    const all = await a.tickets.list()
    expect(all).toHaveLength(22)
    expect(new Set(all.map((t) => t.key)).size).toBe(22)
    expect(all.every((t) => t.keyConfirmed)).toBe(true)
    expect(await b.tickets.list()).toEqual(all)
    // Exactly one of the two offline keys moved; everything else kept its key.
    const now = new Map(all.map((t) => [t.title, t.key]))
    const moved = ['A10', 'B10'].filter((title) => now.get(title) !== made.a?.[10])
    expect(moved).toHaveLength(1)
  })

  it('applies concurrent edits of one field as the later operation in fold order on every clone', async () => {
    repos = TeamRepos.create()
    const a = await team(repos.clone('ana', 'Ana Lima', 'ana@example.com'))
    const b = await team(repos.clone('ben', 'Ben Okafor', 'ben@example.com'))
    const t = await a.tickets.create({ title: 'Original' })
    await a.sync.sync()
    await b.sync.sync()
    await a.tickets.edit(t.key, { title: 'From Ana', description: 'Ana wrote this' })
    await b.tickets.edit(t.key, { title: 'From Ben' })
    for (const x of [a, b, a]) await x.sync.sync()
    const [fromA, fromB] = [await a.tickets.list(), await b.tickets.list()]
    expect(fromA).toEqual(fromB)
    expect(['From Ana', 'From Ben']).toContain(fromA[0]?.title)
    expect(fromA[0]?.description).toBe('Ana wrote this')
    expect(fromA[0]?.changes).toBe(3)
  })

  it('links branches and commits by key, without mistaking ORD-12 for ORD-120', async () => {
    repos = TeamRepos.create()
    const a = repos.clone('ana', 'Ana Lima', 'ana@example.com')
    git(a, ['branch', 'ORD-11-seed'])
    const t = await team(a)
    const ticket = await t.tickets.create({ title: 'Twelve' })
    expect(ticket.key).toBe('ORD-12')
    git(a, ['switch', '--quiet', '-c', 'feature/payments'])
    const linked = commit(a, 'pay.txt', 'ORD-12 pay by card')
    commit(a, 'other.txt', 'ORD-120 something else')
    git(a, ['switch', '--quiet', 'main'])
    const onMain = commit(a, 'main.txt', 'Hotfix for ORD-12 on main')
    const detail = await t.tickets.detail('ORD-12')
    expect(detail.branches.map((b) => b.name)).toEqual(['feature/payments'])
    expect(detail.commits.map((c) => [c.sha, c.onMain])).toEqual(
      expect.arrayContaining([
        [linked, false],
        [onMain, true]
      ])
    )
    expect(detail.commits).toHaveLength(2)
  })
})

describe('a ticket after main', { timeout: 180_000 }, () => {
  it('shows the releases that brought it and the environments running them (or later ones)', async () => {
    repos = TeamRepos.create()
    const a = repos.clone('ana', 'Ana Lima', 'ana@example.com')
    const dataDir = mkdtempSync(join(tmpdir(), 'slipway-ticket-data-'))
    try {
      const withBuild = SlipwayConfigSchema.parse({
        ...config,
        build: { command: 'mkdir -p dist && git rev-parse HEAD > dist/commit', artifact: 'dist' }
      })
      const t = await Team.open({ repo: a, config: withBuild, mainBranch: 'main', dataDir })
      const ticket = await t.tickets.create({ title: 'Ship it' })
      const release = (subject: string): ReturnType<typeof createRelease> => {
        commit(a, `${subject.length}.txt`, subject)
        return createRelease({
          workspacePath: a,
          dir: join(dataDir, 'releases'),
          config: withBuild,
          mainBranch: 'main',
          ticketPattern: withBuild.tickets.pattern,
          createdBy: 'ana@laptop'
        })
      }
      const before = await release('Unrelated work')
      const shipped = await release(`${ticket.key} Ship it`)
      const later = await release('Later work, still containing it')
      const deployed = async (environment: string, id: string): Promise<void> =>
        recordLocalDeployment(dataDir, {
          id: `${environment}-${id}`,
          workspace: a,
          kind: 'deploy',
          release: id,
          environment,
          status: 'succeeded',
          startedBy: 'ana',
          version: 1,
          startedAt: new Date().toISOString(),
          finishedAt: new Date().toISOString(),
          hosts: [],
          log: [],
          summary: 'deployed'
        })
      await deployed('production', before.id)
      await deployed('staging', later.id)
      const detail = await t.tickets.detail(ticket.key)
      expect(detail.releases.map((r) => r.id)).toEqual([shipped.id])
      expect(detail.environments.map((e) => [e.name, e.release])).toEqual([['staging', later.id]])
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})

describe('Start work', { timeout: 180_000 }, () => {
  it('creates ORD-N-short-title from main and leaves the checkout alone unless asked', async () => {
    repos = TeamRepos.create()
    const a = repos.clone('ana', 'Ana Lima', 'ana@example.com')
    const t = await team(a)
    const ticket = await t.tickets.create({ title: 'Pay by card: Visa & Mastercard!' })
    git(a, ['switch', '--quiet', '-c', 'elsewhere'])
    commit(a, 'x.txt', 'not on main')
    const started = await t.tickets.startWork(ticket.key, false)
    expect(started).toMatchObject({
      branch: `${ticket.key}-pay-by-card-visa-mastercard`,
      created: true,
      switched: false,
      notSwitchedReason: null,
      ticket: { status: 'in-progress', assignee: 'Ana Lima' }
    })
    expect(git(a, ['rev-parse', started.branch])).toBe(git(a, ['rev-parse', 'main']))
    expect(git(a, ['branch', '--show-current'])).toBe('elsewhere')
    // Again: the same branch is reused, not made twice.
    expect((await t.tickets.startWork(ticket.key, false)).created).toBe(false)
  })

  it('switches only a clean checkout, and says why not otherwise', async () => {
    repos = TeamRepos.create()
    const a = repos.clone('ana', 'Ana Lima', 'ana@example.com')
    commit(a, 'readme.txt', 'Add a readme')
    const t = await team(a)
    const ticket = await t.tickets.create({ title: 'Dirty work' })
    writeFileSync(join(a, 'readme.txt'), 'changed\n')
    const refused = await t.tickets.startWork(ticket.key, true)
    expect(refused.switched).toBe(false)
    expect(refused.notSwitchedReason).toMatch(/1 changed file \(readme.txt\); commit or stash/)
    expect(git(a, ['branch', '--show-current'])).toBe('main')
    git(a, ['checkout', '--', 'readme.txt'])
    const done = await t.tickets.startWork(ticket.key, true)
    expect(done).toMatchObject({ switched: true, created: false })
    expect(git(a, ['branch', '--show-current'])).toBe(done.branch)
  })

  it('makes branch names from hostile titles that git can never read as an option', () => {
    expect(branchNameFor({ key: 'ORD-7', title: '--upload-pack=touch /tmp/x; rm -rf ~' })).toBe(
      'ORD-7-upload-pack-touch-tmp-x-rm-rf'
    )
    expect(branchNameFor({ key: 'ORD-8', title: '../../.git/HEAD.lock @{u}' })).toBe(
      'ORD-8-git-head-lock-u'
    )
    expect(branchNameFor({ key: 'ORD-9', title: '日本語' })).toBe('ORD-9')
    expect(branchNameFor({ key: 'ORD-10', title: 'Crème brûlée' })).toBe('ORD-10-creme-brulee')
  })
})
