import { afterAll, describe, expect, it } from 'vitest'
import { TeamStateStore } from './store'
import { syncTeamState } from './sync'
import { TeamRepos } from '../../testing/team-repos'

/** A small seeded generator (mulberry32), so a failing run can be replayed by its seed. */
function random(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const SEED = Number(process.env.SLIPWAY_SEED ?? 20261126)
const OPERATIONS = 300

let repos: TeamRepos | null = null
afterAll(() => repos?.remove())

describe('team state convergence', () => {
  it(`${OPERATIONS} operations over 3 clones with random syncs end in one state, nothing lost or doubled (seed ${SEED})`, async () => {
    const rnd = random(SEED)
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T
    repos = TeamRepos.create()
    const people = [
      ['ana', 'Ana Lima'],
      ['ben', 'Ben Okafor'],
      ['cai', 'Cai Tran']
    ] as const
    const clones = await Promise.all(
      people.map(([id, name]) => TeamStateStore.open(repos!.clone(id, name, `${id}@example.com`)))
    )
    const known = clones.map(() => new Set<string>())
    let created = 0
    for (let n = 0; n < OPERATIONS; n += 1) {
      const i = Math.floor(rnd() * clones.length)
      const store = clones[i] as TeamStateStore
      const mine = known[i] as Set<string>
      if (mine.size === 0 || rnd() < 0.2) {
        const path = `${pick(['tickets', 'pulls'])}/e${created++}`
        await store.append({ path, type: 'test.create', data: { n }, mode: 'create' })
        mine.add(path)
      } else {
        const path = pick([...mine])
        await store.append({ path, type: 'test.edit', data: { n }, mode: 'append' })
      }
      if (rnd() < 0.15) {
        // One clone syncs, or two race each other.
        const who = rnd() < 0.4 ? [0, 1, 2].filter(() => rnd() < 0.7) : [Math.floor(rnd() * 3)]
        await Promise.all(
          who.map(async (k) => {
            const out = await syncTeamState(clones[k] as TeamStateStore)
            expect(out.kind).toBe('synced')
            for (const path of (await (clones[k] as TeamStateStore).readRefs()).local.keys()) {
              known[k]?.add(path)
            }
          })
        )
      }
    }
    // Quiesce: two rounds of everyone syncing.
    for (let round = 0; round < 2; round += 1) {
      for (const store of clones) expect((await syncTeamState(store)).kind).toBe('synced')
    }
    const views = await Promise.all(
      clones.map(async (c) => {
        const snap = await (await TeamStateStore.open(c.repo)).snapshot()
        expect(snap.problems).toEqual([])
        return [...snap.entities.values()]
          .map((e) => `${e.path}=${e.ops.map((o) => o.sha).join(',')}`)
          .sort()
      })
    )
    expect(views[1]).toEqual(views[0])
    expect(views[2]).toEqual(views[0])
    const snap = await (await TeamStateStore.open(clones[0]!.repo)).snapshot()
    const ns = [...snap.entities.values()].flatMap((e) => e.ops.map((o) => o.data.n as number))
    expect(ns).toHaveLength(OPERATIONS)
    expect(new Set(ns).size).toBe(OPERATIONS)
    expect(snap.entities.size).toBe(created)
  }, 900_000) // a hang guard: about 25 s idle, 70–90 s with both cores busy (measured with `stress --cpu 2`)
})
