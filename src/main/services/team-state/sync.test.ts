import { afterEach, describe, expect, it } from 'vitest'
import { gitProcessCount } from '../git/runner'
import { TeamStateStore } from './store'
import { syncTeamState, type SyncOutcome } from './sync'
import { git, TeamRepos } from '../../testing/team-repos'

let repos: TeamRepos | null = null
afterEach(() => {
  repos?.remove()
  repos = null
})

async function twoClones(): Promise<{
  a: TeamStateStore
  b: TeamStateStore
  aPath: string
  bPath: string
  r: TeamRepos
}> {
  const r = TeamRepos.create()
  repos = r
  const aPath = r.clone('ana', 'Ana Lima', 'ana@example.com')
  const bPath = r.clone('ben', 'Ben Okafor', 'ben@example.com')
  return {
    a: await TeamStateStore.open(aPath),
    b: await TeamStateStore.open(bPath),
    aPath,
    bPath,
    r
  }
}

function synced(outcome: SyncOutcome): Extract<SyncOutcome, { kind: 'synced' }> {
  if (outcome.kind !== 'synced') throw new Error(`expected a sync, got ${JSON.stringify(outcome)}`)
  return outcome
}

const opsOf = async (s: TeamStateStore, path: string): Promise<string[]> =>
  ((await s.snapshot()).entities.get(path)?.ops ?? []).map(
    (o) => `${o.author.name}:${o.type}:${JSON.stringify(o.data)}`
  )

describe('syncTeamState', { timeout: 180_000 }, () => {
  it('brings one clone’s entity to the other through origin', async () => {
    const { a, b } = await twoClones()
    await a.append({
      path: 'tickets/t1',
      type: 'ticket.create',
      data: { title: 'T' },
      mode: 'create'
    })
    expect(synced(await syncTeamState(a)).pushed).toBe(1)
    expect(synced(await syncTeamState(b)).received).toBe(1)
    expect(await opsOf(b, 'tickets/t1')).toEqual(['Ana Lima:ticket.create:{"title":"T"}'])
  })

  it('joins concurrent changes by union; both clones end on the same commit', async () => {
    const { a, b } = await twoClones()
    await a.append({ path: 'pulls/p', type: 'pr.open', data: { branch: 'x' }, mode: 'create' })
    await syncTeamState(a)
    await syncTeamState(b)
    await a.append({ path: 'pulls/p', type: 'pr.comment', data: { by: 'a' }, mode: 'append' })
    await b.append({
      path: 'pulls/p',
      type: 'pr.review',
      data: { verdict: 'approve' },
      mode: 'append'
    })
    await b.append({ path: 'pulls/p', type: 'pr.comment', data: { by: 'b' }, mode: 'append' })
    synced(await syncTeamState(a)) // pushes a's comment
    const merged = synced(await syncTeamState(b)) // must merge
    expect(merged.merged).toBe(1)
    synced(await syncTeamState(a)) // fast-forwards to b's merge
    const tipA = git(a.repo, ['rev-parse', 'refs/slipway/pulls/p'])
    expect(git(b.repo, ['rev-parse', 'refs/slipway/pulls/p'])).toBe(tipA)
    expect(git(repos?.origin ?? '', ['rev-parse', 'refs/slipway/pulls/p'])).toBe(tipA)
    const fromA = await opsOf(await TeamStateStore.open(a.repo), 'pulls/p')
    expect(fromA).toEqual(await opsOf(await TeamStateStore.open(b.repo), 'pulls/p'))
    expect(fromA).toHaveLength(4)
    expect(fromA[0]).toBe('Ana Lima:pr.open:{"branch":"x"}')
  })

  it('makes the same merge commit on two clones that merge the same two histories', async () => {
    const { a, b, r, aPath } = await twoClones()
    await a.append({ path: 'tickets/t', type: 'ticket.create', data: {}, mode: 'create' })
    await syncTeamState(a)
    await syncTeamState(b)
    await a.append({ path: 'tickets/t', type: 'ticket.edit', data: { s: 1 }, mode: 'append' })
    await b.append({ path: 'tickets/t', type: 'ticket.edit', data: { s: 2 }, mode: 'append' })
    synced(await syncTeamState(b))
    // A third person holds A's side too; neither A nor they can push, so both merge alone.
    const dPath = r.clone('dee', 'Dee', 'dee@example.com')
    git(dPath, ['fetch', '--quiet', aPath, '+refs/slipway/tickets/t:refs/slipway/tickets/t'])
    for (const p of [aPath, dPath]) git(p, ['config', 'remote.origin.pushurl', `${r.root}/nowhere`])
    const d = await TeamStateStore.open(dPath)
    expect((await syncTeamState(a)).kind).toBe('offline')
    expect((await syncTeamState(d)).kind).toBe('offline')
    const mergeA = git(aPath, ['rev-parse', 'refs/slipway/tickets/t'])
    expect(git(aPath, ['rev-list', '--parents', '-1', mergeA]).split(' ')).toHaveLength(3)
    expect(git(dPath, ['rev-parse', 'refs/slipway/tickets/t'])).toBe(mergeA)
  })

  it('retries when origin moves between its fetch and its push, losing nothing', async () => {
    const { a, b } = await twoClones()
    await a.append({ path: 'tickets/t', type: 'ticket.create', data: {}, mode: 'create' })
    await syncTeamState(a)
    await syncTeamState(b)
    for (let round = 0; round < 3; round += 1) {
      await a.append({ path: 'tickets/t', type: 'ticket.edit', data: { a: round }, mode: 'append' })
      await b.append({ path: 'tickets/t', type: 'ticket.edit', data: { b: round }, mode: 'append' })
      const [x, y] = await Promise.all([syncTeamState(a), syncTeamState(b)])
      synced(x)
      synced(y)
    }
    await syncTeamState(a)
    await syncTeamState(b)
    const ops = await opsOf(await TeamStateStore.open(b.repo), 'tickets/t')
    expect(ops).toHaveLength(7)
    expect(new Set(ops).size).toBe(7)
    expect(await opsOf(await TeamStateStore.open(a.repo), 'tickets/t')).toEqual(ops)
  })

  it('works with no origin and offline, and syncs later', async () => {
    const { a, b, r } = await twoClones()
    git(a.repo, ['remote', 'rename', 'origin', 'upstream'])
    expect((await syncTeamState(a)).kind).toBe('no-origin')
    git(a.repo, ['remote', 'rename', 'upstream', 'origin'])
    r.goOffline()
    await a.append({ path: 'tickets/offline', type: 'ticket.create', data: {}, mode: 'create' })
    const out = await syncTeamState(a)
    expect(out.kind).toBe('offline')
    expect(await opsOf(a, 'tickets/offline')).toHaveLength(1)
    r.goOnline()
    synced(await syncTeamState(a))
    synced(await syncTeamState(b))
    expect(await opsOf(b, 'tickets/offline')).toHaveLength(1)
  })

  it('touches no branch, no remote-tracking branch and no file of the work tree', async () => {
    const { a, b } = await twoClones()
    const refsOf = (p: string): string =>
      git(p, [
        'for-each-ref',
        '--format=%(refname) %(objectname)',
        'refs/heads',
        'refs/remotes',
        'refs/tags'
      ])
    const before = [refsOf(a.repo), refsOf(b.repo)]
    await a.append({ path: 'tickets/t', type: 'ticket.create', data: {}, mode: 'create' })
    await syncTeamState(a)
    await syncTeamState(b)
    expect([refsOf(a.repo), refsOf(b.repo)]).toEqual(before)
    expect(git(a.repo, ['status', '--porcelain', '--ignored'])).toBe('')
    expect(git(b.repo, ['status', '--porcelain', '--ignored'])).toBe('')
    expect(git(b.repo, ['branch', '-r'])).not.toMatch(/slipway/)
  })

  it('costs one fetch and no push when nothing is new', async () => {
    const { a } = await twoClones()
    await a.append({ path: 'tickets/t', type: 'ticket.create', data: {}, mode: 'create' })
    await syncTeamState(a)
    const originBefore = git(repos?.origin ?? '', ['for-each-ref'])
    const before = gitProcessCount()
    const out = synced(await syncTeamState(a))
    // remote.origin.url, the fetch, the for-each-ref: nothing else.
    expect(gitProcessCount() - before).toBe(3)
    expect(out).toMatchObject({ received: 0, merged: 0, pushed: 0, attempts: 1 })
    expect(git(repos?.origin ?? '', ['for-each-ref'])).toBe(originBefore)
  })

  it('reports a corrupt ref on origin by name and syncs everything else', async () => {
    const { a, b, aPath } = await twoClones()
    await a.append({ path: 'tickets/good', type: 'ticket.create', data: {}, mode: 'create' })
    const tree = git(aPath, ['hash-object', '-t', 'tree', '-w', '--stdin'], '')
    const junk = git(aPath, ['commit-tree', '-m', 'hand made', tree])
    git(aPath, ['push', '--quiet', 'origin', `${junk}:refs/slipway/tickets/junk`])
    synced(await syncTeamState(a))
    const out = synced(await syncTeamState(b))
    expect(out.problems).toEqual([
      expect.objectContaining({ ref: 'refs/slipway-remote/origin/tickets/junk' })
    ])
    const snap = await b.snapshot()
    expect([...snap.entities.keys()]).toEqual(['tickets/good'])
  })
})
