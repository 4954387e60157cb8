import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { Branch, BranchListing } from '../../../shared/models'
import { ExpectedError } from '../errors'
import { BranchReader } from './branches'
import { gitProcessCount } from './runner'
import { TestRepo } from '../../testing/test-repo'

const PATTERN = '[A-Z][A-Z0-9]+-[0-9]+'
const repos: TestRepo[] = []
const folders: string[] = []
afterEach(() => {
  for (const r of repos.splice(0)) r.remove()
  for (const f of folders.splice(0)) rmSync(f, { recursive: true, force: true })
})

function newRepo(): TestRepo {
  const repo = TestRepo.create()
  repos.push(repo)
  return repo
}

function reader(repo: TestRepo, mainBranch = 'main'): BranchReader {
  return new BranchReader(repo.path, { mainBranch, ticketPattern: PATTERN })
}

function byName(listing: BranchListing, name: string): Branch {
  const b = listing.branches.find((x) => x.name === name)
  if (!b) throw new Error(`no branch ${name} in ${listing.branches.map((x) => x.name).join(', ')}`)
  return b
}

/** Every branch's ahead/behind must equal `git rev-list --left-right --count main...B`. */
function expectCountsMatchGit(repo: TestRepo, listing: BranchListing): void {
  expect(listing.mainSha).not.toBeNull()
  for (const b of listing.branches) {
    expect({ name: b.name, ...repo.leftRight(listing.mainSha as string, b.sha) }).toEqual({
      name: b.name,
      ahead: b.ahead,
      behind: b.behind
    })
  }
}

function withoutTiming(listing: BranchListing): Omit<BranchListing, 'readAt' | 'tookMs'> {
  return { mainBranch: listing.mainBranch, mainSha: listing.mainSha, branches: listing.branches }
}

/** Small deterministic PRNG so the random histories are the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

describe('BranchReader.list', () => {
  it('lists a feature branch with tip details, ahead/behind and tickets', async () => {
    const repo = newRepo()
    const main = repo.line(null, 5, (i) => `main ${i}`)
    const feature = repo.line(main[2] as string, 3, (i) =>
      i === 0 ? 'ORD-1: start' : i === 1 ? 'PAY-9 and ORD-1: more' : 'tidy'
    )
    repo.setRef('refs/heads/main', main[4] as string)
    repo.setRef('refs/heads/feature/WEB-5-cart', feature[2] as string)

    const listing = await reader(repo).list()
    expect(listing.mainBranch).toBe('main')
    expect(listing.mainSha).toBe(main[4])
    expect(listing.tookMs).toBeGreaterThanOrEqual(0)
    expect(Number.isNaN(Date.parse(listing.readAt))).toBe(false)
    const f = byName(listing, 'feature/WEB-5-cart')
    expect(f).toMatchObject({
      ref: 'refs/heads/feature/WEB-5-cart',
      kind: 'local',
      sha: feature[2],
      subject: 'tidy',
      author: 'Test Author',
      ahead: 3,
      behind: 2,
      isMain: false
    })
    expect(Number.isNaN(Date.parse(f.date))).toBe(false)
    // The name first, then the commits ahead from the tip down.
    expect(f.tickets).toEqual(['WEB-5', 'PAY-9', 'ORD-1'])
    const m = byName(listing, 'main')
    expect(m).toMatchObject({ ahead: 0, behind: 0, isMain: true, tickets: [] })
    expectCountsMatchGit(repo, listing)
  })

  it('matches git on merges, merged side branches, branches that merged main, stale and unrelated branches', async () => {
    const repo = newRepo()
    const base = repo.line(null, 4, (i) => `base ${i}`)
    const side = repo.line(base[1] as string, 3, (i) => `OPS-${i}: side`)
    const merge1 = repo.commit('Merge side', [base[3] as string, side[2] as string])
    const more = repo.line(merge1, 3, (i) => `after ${i}`)
    const side2 = repo.line(side[0] as string, 2, (i) => `side2 ${i}`)
    const merge2 = repo.commit('Merge side2', [more[2] as string, side2[1] as string])
    const tip = repo.commit('ORD-77: on top', [merge2])
    repo.setRef('refs/heads/main', tip)

    // Forked from a commit that is on main only through a merge.
    repo.setRef(
      'refs/heads/from-side',
      repo.line(side[1] as string, 2, (i) => `fs ${i}`)[1] as string
    )
    // Merged main in half way.
    const early = repo.line(base[2] as string, 2, (i) => `PAY-${i + 1}: early`)
    const mergedMain = repo.commit('Merge main', [early[1] as string, more[1] as string])
    repo.setRef('refs/heads/merged-main', repo.commit('PAY-3: late', [mergedMain]))
    // Merges main twice, including main's side history.
    const twice = repo.commit('Merge main again', [mergedMain, merge2])
    repo.setRef('refs/heads/merged-twice', twice)
    // Only behind: points into main's history, including off the first-parent chain.
    repo.setRef('refs/heads/stale', base[2] as string)
    repo.setRef('refs/heads/stale-side', side2[0] as string)
    // A branch merging two other feature lines.
    const octo = repo.commit('Octopus', [early[0] as string, side2[1] as string, side[2] as string])
    repo.setRef('refs/heads/octopus', octo)
    // No common history at all.
    repo.setRef('refs/heads/orphan', repo.line(null, 3, (i) => `WEB-${i}: orphan`)[2] as string)
    // Same commit as main.
    repo.setRef('refs/heads/same-as-main', tip)

    const listing = await reader(repo).list()
    expect(listing.branches.map((b) => b.name).sort()).toEqual(
      [
        'from-side',
        'main',
        'merged-main',
        'merged-twice',
        'octopus',
        'orphan',
        'same-as-main',
        'stale',
        'stale-side'
      ].sort()
    )
    expectCountsMatchGit(repo, listing)
    expect(byName(listing, 'stale')).toMatchObject({ ahead: 0 })
    expect(byName(listing, 'orphan')).toMatchObject({
      ahead: 3,
      tickets: ['WEB-2', 'WEB-1', 'WEB-0']
    })
    expect(byName(listing, 'same-as-main')).toMatchObject({ ahead: 0, behind: 0, isMain: false })
    expect(byName(listing, 'merged-main').tickets).toEqual(['PAY-3', 'PAY-2', 'PAY-1'])
  })

  // Some 500 git processes per history: about 5 s on an idle machine, many times that on the
  // shared one under load (the timeout is a hang guard).
  it.each([1, 2, 3])(
    'matches git on random history %i, cold and after incremental refreshes',
    async (seed) => {
      const repo = newRepo()
      const rnd = prng(seed)
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T
      const all: string[] = []
      const chain: string[] = []
      const commit = (parents: string[]): string => {
        const sha = repo.commit(`ORD-${all.length}: c`, parents)
        all.push(sha)
        return sha
      }
      chain.push(commit([]))
      for (let i = 0; i < 60; i += 1) {
        const prev = chain.at(-1) as string
        if (rnd() < 0.2) {
          // Merge a short side line forked from anything seen so far (main or not).
          let s = pick(all)
          for (let k = 0; k < 1 + Math.floor(rnd() * 3); k += 1) s = commit([s])
          chain.push(commit([prev, s]))
        } else {
          chain.push(commit([prev]))
        }
      }
      const branchTips = new Map<string, string>()
      const grow = (from: string): string => {
        let t = from
        for (let k = 0; k < Math.floor(rnd() * 4); k += 1) {
          t = rnd() < 0.2 ? commit([t, pick(all)]) : commit([t])
        }
        return t
      }
      for (let b = 0; b < 25; b += 1) branchTips.set(`b/${b}`, grow(pick(all)))
      repo.setRef('refs/heads/main', chain.at(-1) as string)
      for (const [name, sha] of branchTips) repo.setRef(`refs/heads/${name}`, sha)

      const warm = reader(repo)
      expectCountsMatchGit(repo, await warm.list())

      for (let round = 0; round < 3; round += 1) {
        // Move some branches (forward, to random commits), add and delete some, move main.
        for (let k = 0; k < 5; k += 1) {
          const name = `b/${Math.floor(rnd() * 30)}`
          const now = branchTips.get(name)
          const sha = now && rnd() < 0.6 ? grow(now) : grow(pick(all))
          branchTips.set(name, sha)
          repo.setRef(`refs/heads/${name}`, sha)
        }
        const gone = pick([...branchTips.keys()])
        branchTips.delete(gone)
        repo.deleteRef(`refs/heads/${gone}`)
        const mainNow = repo.git(['rev-parse', 'refs/heads/main'])
        const mainNext =
          round === 1 ? commit([mainNow, pick([...branchTips.values()])]) : grow(mainNow)
        repo.setRef('refs/heads/main', mainNext)

        const refreshed = await warm.list()
        expectCountsMatchGit(repo, refreshed)
        expect(withoutTiming(refreshed)).toEqual(withoutTiming(await reader(repo).list()))
      }
    },
    300_000
  )

  it('reads with a fixed number of git processes and refreshes with fewer', async () => {
    const repo = newRepo()
    const main = repo.line(null, 20, (i) => `main ${i}`)
    repo.setRef('refs/heads/main', main[19] as string)
    for (let b = 0; b < 40; b += 1) {
      const tip = repo.line(main[b % 20] as string, 1 + (b % 3), (i) => `ORD-${b}: ${i}`)
      repo.setRef(`refs/heads/feature/${b}`, tip.at(-1) as string)
    }
    const r = reader(repo)
    let before = gitProcessCount()
    await r.list()
    // for-each-ref, the history walk and the tips' details, whatever the number of branches.
    expect(gitProcessCount() - before).toBe(3)

    before = gitProcessCount()
    await r.list()
    expect(gitProcessCount() - before).toBe(1)

    const moved = repo.commit('PAY-1: moved', [repo.git(['rev-parse', 'refs/heads/feature/7'])])
    repo.setRef('refs/heads/feature/7', moved)
    before = gitProcessCount()
    const after = await r.list()
    expect(gitProcessCount() - before).toBe(3)
    expect(byName(after, 'feature/7')).toMatchObject({ sha: moved, subject: 'PAY-1: moved' })
    expect(byName(after, 'feature/7').tickets).toEqual(['PAY-1', 'ORD-7'])
    expectCountsMatchGit(repo, after)
  })

  it('lists origin branches, skips origin/HEAD, and falls back to origin main', async () => {
    const upstream = newRepo()
    const main = upstream.line(null, 4, (i) => `main ${i}`)
    upstream.setRef('refs/heads/main', main[3] as string)
    upstream.setRef('refs/heads/feature/ORD-2', upstream.commit('ORD-2: x', [main[1] as string]))
    const clone = TestRepo.cloneOf(upstream)
    repos.push(clone)
    const local = clone.commit('PAY-4: local work', [main[3] as string])
    clone.setRef('refs/heads/mine', local)

    let listing = await reader(clone).list()
    expect(listing.branches.map((b) => b.name)).toEqual([
      'main',
      'mine',
      'origin/feature/ORD-2',
      'origin/main'
    ])
    expect(byName(listing, 'origin/feature/ORD-2')).toMatchObject({
      ref: 'refs/remotes/origin/feature/ORD-2',
      kind: 'remote',
      ahead: 1,
      behind: 2,
      tickets: ['ORD-2']
    })
    expect(byName(listing, 'main').isMain).toBe(true)
    expect(byName(listing, 'origin/main').isMain).toBe(false)
    expectCountsMatchGit(clone, listing)

    // Without a local main, origin's stands in.
    clone.git(['update-ref', '--no-deref', 'HEAD', local])
    clone.deleteRef('refs/heads/main')
    listing = await reader(clone).list()
    expect(listing.mainSha).toBe(main[3])
    expect(byName(listing, 'origin/main').isMain).toBe(true)
    expect(byName(listing, 'mine')).toMatchObject({ ahead: 1, behind: 0 })
  })

  it('counts every commit as ahead when there is no main branch', async () => {
    const repo = newRepo()
    const line = repo.line(null, 4, (i) => `ORD-${i}: work`)
    const other = repo.commit('merge', [
      line[3] as string,
      repo.line(null, 2, () => 'x')[1] as string
    ])
    repo.setRef('refs/heads/work', line[3] as string)
    repo.setRef('refs/heads/other', other)
    const listing = await reader(repo, 'trunk').list()
    expect(listing.mainSha).toBeNull()
    expect(byName(listing, 'work')).toMatchObject({ ahead: 4, behind: 0, isMain: false })
    expect(byName(listing, 'work').tickets).toEqual(['ORD-3', 'ORD-2', 'ORD-1', 'ORD-0'])
    expect(byName(listing, 'other')).toMatchObject({ ahead: 7, behind: 0 })
    expect(Number(repo.git(['rev-list', '--count', other]))).toBe(7)
  })

  it('lists an empty repository without failing', async () => {
    const listing = await reader(newRepo()).list()
    expect(listing).toMatchObject({ mainSha: null, branches: [] })
  })

  it('treats hostile branch names as data and never runs them', async () => {
    const repo = newRepo()
    const dir = mkdtempSync(join(tmpdir(), 'slipway-pwn-'))
    folders.push(dir)
    const markers = [join(dir, 'p1'), join(dir, 'p2'), join(dir, 'p3'), join(dir, 'p4')]
    const names = [
      '-x',
      `--upload-pack=touch\${IFS}${markers[0]}`,
      `--output=${markers[1]}`,
      `$(touch\${IFS}${markers[2]})`,
      `a;touch\${IFS}${markers[3]}`,
      'ünïcødé/ORD-5-straße',
      '--all'
    ]
    const main = repo.line(null, 3, (i) => `main ${i}`)
    repo.setRef('refs/heads/main', main[2] as string)
    names.forEach((name, i) => {
      repo.setRef(`refs/heads/${name}`, repo.commit(`WEB-${i}: work`, [main[i % 3] as string]))
    })
    const r = reader(repo)
    const listing = await r.list()
    for (const [i, name] of names.entries()) {
      expect(byName(listing, name)).toMatchObject({ ref: `refs/heads/${name}`, ahead: 1 })
      const commits = await r.commitsAhead(name)
      expect(commits.map((c) => c.subject)).toEqual([`WEB-${i}: work`])
    }
    expect(byName(listing, 'ünïcødé/ORD-5-straße').tickets).toEqual(['ORD-5', 'WEB-5'])
    expectCountsMatchGit(repo, listing)
    for (const m of markers) expect(existsSync(m)).toBe(false)
  })
})

describe('BranchReader.commitsAhead', () => {
  it('lists commits ahead of main, newest first, limited, with tickets', async () => {
    const repo = newRepo()
    const main = repo.line(null, 3, (i) => `main ${i}`)
    repo.setRef('refs/heads/main', main[2] as string)
    const work = repo.line(main[0] as string, 4, (i) => `ORD-${i}: step ${i}`)
    repo.setRef('refs/heads/feature/x', work[3] as string)
    const r = reader(repo)

    const commits = await r.commitsAhead('feature/x')
    expect(commits.map((c) => c.sha)).toEqual([...work].reverse())
    expect(commits[0]).toMatchObject({
      subject: 'ORD-3: step 3',
      author: 'Test Author',
      tickets: ['ORD-3']
    })
    expect(Number.isNaN(Date.parse(commits[0]?.date ?? ''))).toBe(false)
    expect((await r.commitsAhead('feature/x', 2)).map((c) => c.sha)).toEqual([work[3], work[2]])
    expect(await r.commitsAhead('refs/heads/feature/x', 1)).toHaveLength(1)
    expect(await r.commitsAhead('main')).toEqual([])
  })

  it('answers not-found for a name that is not a listed branch', async () => {
    const repo = newRepo()
    const root = repo.commit('root')
    repo.setRef('refs/heads/main', root)
    repo.setRef('refs/tags/v1', root)
    const r = reader(repo)
    for (const name of ['nope', 'v1', 'refs/tags/v1', root, 'HEAD', '--all']) {
      const err = await r.commitsAhead(name).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(ExpectedError)
      expect((err as ExpectedError).code).toBe('not-found')
    }
  })
})
