import { afterEach, describe, expect, it } from 'vitest'
import { originUrl } from './git-remote'
import { isSequencePath, KeySequence } from './key-blocks'
import { TeamStateStore } from './store'
import { syncTeamState } from './sync'
import { git, TeamRepos } from '../../testing/team-repos'

let repos: TeamRepos | null = null
afterEach(() => {
  repos?.remove()
  repos = null
})

const sync = (s: TeamStateStore): ReturnType<typeof syncTeamState> =>
  syncTeamState(s, { isLinear: isSequencePath })

function sequence(store: TeamStateStore, blockSize: number, first = 1): KeySequence {
  return new KeySequence(store, 'tickets-ORD', {
    blockSize,
    firstNumber: () => first,
    publish: async () => (await sync(store)).kind === 'synced',
    hasOrigin: async () => (await originUrl(store.repo)) !== null
  })
}

async function draw(
  seq: KeySequence,
  taken: Set<number>,
  count: number
): Promise<{ number: number; confirmed: boolean }[]> {
  const out = []
  for (let i = 0; i < count; i += 1) {
    const next = await seq.next(taken)
    taken.add(next.number)
    out.push({ number: next.number, confirmed: next.confirmed })
  }
  return out
}

describe('KeySequence', { timeout: 180_000 }, () => {
  it('gives two clones working offline distinct numbers', async () => {
    repos = TeamRepos.create()
    const a = await TeamStateStore.open(repos.clone('ana', 'Ana', 'ana@example.com'))
    const b = await TeamStateStore.open(repos.clone('ben', 'Ben', 'ben@example.com'))
    const [sa, sb] = [sequence(a, 10, 143), sequence(b, 10, 143)]
    // Online, each sync leaves the clone a spare block.
    for (const [store, seq] of [
      [a, sa],
      [b, sb]
    ] as const) {
      await sync(store)
      await seq.ensureSpare(new Set())
    }
    repos.goOffline()
    const fromA = await draw(sa, new Set(), 4)
    const fromB = await draw(sb, new Set(), 4)
    expect(fromA.map((n) => n.number)).toEqual([143, 144, 145, 146])
    expect(fromB.map((n) => n.number)).toEqual([153, 154, 155, 156])
    expect([...fromA, ...fromB].every((n) => n.confirmed)).toBe(true)
  })

  it('moves a block claimed offline when another clone took that place first, and says so until then', async () => {
    repos = TeamRepos.create()
    const a = await TeamStateStore.open(repos.clone('ana', 'Ana', 'ana@example.com'))
    const b = await TeamStateStore.open(repos.clone('ben', 'Ben', 'ben@example.com'))
    const [sa, sb] = [sequence(a, 2), sequence(b, 2)]
    for (const [store, seq] of [
      [a, sa],
      [b, sb]
    ] as const) {
      await sync(store)
      await seq.ensureSpare(new Set())
    }
    await sync(a)
    repos.goOffline()
    const takenA = new Set<number>()
    const takenB = new Set<number>()
    const a3 = await draw(sa, takenA, 3)
    const b3 = await draw(sb, takenB, 3)
    expect(a3.map((n) => n.number)).toEqual([1, 2, 5])
    expect(b3.map((n) => n.number)).toEqual([3, 4, 5])
    expect(a3[2]?.confirmed).toBe(false)
    expect(b3[2]?.confirmed).toBe(false)
    repos.goOnline()
    await sync(a)
    await sync(b)
    await sync(a)
    const blocksOf = async (s: KeySequence): Promise<string[]> =>
      (await s.blocks()).map((x) => `${x.start}-${x.end - 1}:${x.confirmed}`)
    expect(await blocksOf(sa)).toEqual(await blocksOf(sb))
    const ids = await Promise.all([a, b].map((s) => s.local.replicaId()))
    const owners = (await sa.blocks()).map((x) => ids.indexOf(x.replica))
    // The chain on origin: A's, B's, then A's offline claim (pushed first), then B's, moved.
    expect(owners).toEqual([0, 1, 0, 1])
    expect(await blocksOf(sa)).toEqual(['1-2:true', '3-4:true', '5-6:true', '7-8:true'])
    expect((await sb.next(new Set([3, 4]))).number).toBe(7)
    expect(git(b.repo, ['rev-list', '--count', 'refs/slipway/sequences/tickets-ORD'])).toBe('4')
  })

  it('has every claim final at once in a repository without origin', async () => {
    repos = TeamRepos.create()
    const path = repos.clone('solo', 'Solo', 'solo@example.com')
    git(path, ['remote', 'remove', 'origin'])
    const seq = sequence(await TeamStateStore.open(path), 3, 7)
    const got = await draw(seq, new Set(), 4)
    expect(got).toEqual([7, 8, 9, 10].map((number) => ({ number, confirmed: true })))
  })
})
