import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TestRepo } from '../../testing/test-repo'
import { prunableBranches, pruneBranches, restoreBranches } from './prune'

// A real repository: merged, unmerged and checked-out branches, and names git would read as
// options if they ever reached it as arguments.
let repo: TestRepo
let worktree: string
const heads = (): Record<string, string> =>
  Object.fromEntries(
    repo
      .git(['for-each-ref', '--format=%(refname:lstrip=2) %(objectname)', 'refs/heads/'])
      .split('\n')
      .map((l) => l.split(' ') as [string, string])
  )

beforeAll(() => {
  repo = TestRepo.create({ prefix: 'slipway-prune-', files: { 'a.txt': 'a\n' } })
  repo.commitTo('feature/ORD-1-done', { 'b.txt': 'b\n' }, 'ORD-1 done')
  repo.git(['merge', '--quiet', '--no-ff', '-m', 'Merge ORD-1', 'feature/ORD-1-done'])
  repo.commitTo('feature/ORD-2-open', { 'c.txt': 'c\n' }, 'ORD-2 still open')
  repo.git(['branch', 'release-notes', 'main'])
  repo.commitFiles('main moves on', { 'd.txt': 'd\n' })
  // Merged, but checked out in a worktree of its own.
  repo.commitTo('feature/ORD-3-wt', { 'e.txt': 'e\n' }, 'ORD-3')
  repo.git(['merge', '--quiet', '--no-ff', '-m', 'Merge ORD-3', 'feature/ORD-3-wt'])
  worktree = `${repo.path}-wt`
  repo.git(['worktree', 'add', '--quiet', worktree, 'feature/ORD-3-wt'])
  // Hostile names, merged: made with update-ref (git branch would refuse them).
  const main = repo.sha('main')
  repo.git(['update-ref', 'refs/heads/--force', main])
  repo.git(['update-ref', 'refs/heads/-D', main])
})
afterAll(() => {
  repo.git(['worktree', 'remove', '--force', worktree])
  repo.remove()
})

describe('prune merged branches', () => {
  it('offers the merged local branches, not main, open work or a checked-out branch', async () => {
    const offered = await prunableBranches(repo.path, 'main')
    expect(offered.map((b) => b.name)).toEqual([
      '--force',
      '-D',
      'feature/ORD-1-done',
      'release-notes'
    ])
    const done = offered.find((b) => b.name === 'feature/ORD-1-done')!
    expect(done).toMatchObject({
      sha: repo.sha('feature/ORD-1-done'),
      subject: 'ORD-1 done',
      atMain: false
    })
    expect(offered.find((b) => b.name === '--force')?.atMain).toBe(true)
  })

  it('deletes only what is still merged at the sha seen; names never act as options; undo restores them', async () => {
    const before = heads()
    const outcome = await pruneBranches(repo.path, 'main', [
      { name: 'feature/ORD-1-done', sha: before['feature/ORD-1-done']! },
      { name: '--force', sha: before['--force']! },
      { name: '-D', sha: before['-D']! },
      { name: 'release-notes', sha: before['feature/ORD-1-done']! },
      { name: 'feature/ORD-2-open', sha: before['feature/ORD-2-open']! },
      { name: 'feature/ORD-3-wt', sha: before['feature/ORD-3-wt']! },
      { name: 'no-such', sha: before.main! }
    ])
    expect(outcome.done.map((b) => b.name)).toEqual(['feature/ORD-1-done', '--force', '-D'])
    expect(outcome.skipped).toEqual([
      {
        name: 'release-notes',
        reason: `moved to ${before['release-notes']!.slice(0, 8)} since listed`
      },
      { name: 'feature/ORD-2-open', reason: 'not merged into main' },
      { name: 'feature/ORD-3-wt', reason: `checked out in ${worktree}` },
      { name: 'no-such', reason: 'no such local branch' }
    ])
    const after = heads()
    expect(Object.keys(after).sort()).toEqual(
      ['feature/ORD-2-open', 'feature/ORD-3-wt', 'main', 'release-notes'].sort()
    )
    expect(after.main).toBe(before.main)

    // Undo: each comes back at its sha; one that exists again is left as it is.
    repo.git(['branch', '--', 'feature/ORD-1-done', 'main'])
    const undo = await restoreBranches(repo.path, outcome.done)
    expect(undo.done.map((b) => b.name)).toEqual(['--force', '-D'])
    expect(undo.skipped).toEqual([
      { name: 'feature/ORD-1-done', reason: `exists again at ${before.main!.slice(0, 8)}` }
    ])
    expect(heads()['--force']).toBe(before['--force'])
    expect(heads()['-D']).toBe(before['-D'])
  })

  it('refuses names that would break out of a line of update-ref --stdin, and unknown commits', async () => {
    const main = repo.sha('main')
    const outcome = await restoreBranches(repo.path, [
      { name: `x ${main}\ndelete refs/heads/main`, sha: main },
      { name: 'ok-name', sha: 'f'.repeat(40) },
      { name: 'tab\tname', sha: main }
    ])
    expect(outcome.done).toEqual([])
    expect(outcome.skipped.map((s) => s.reason)).toEqual([
      'not a branch name and commit sha',
      `commit ffffffff is not in this repository`,
      'not a branch name and commit sha'
    ])
    expect(repo.sha('main')).toBe(main)
  })
})
