import { afterEach, describe, expect, it } from 'vitest'
import { TestRepo } from '../../testing/test-repo'
import { BranchService } from './branch-service'

const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904'
const repos: TestRepo[] = []
afterEach(() => {
  for (const r of repos.splice(0)) r.remove()
})

/** A commit by `email` on top of `parents`. */
function commitBy(repo: TestRepo, email: string, message: string, parents: string[]): string {
  return repo.git(['commit-tree', ...parents.flatMap((p) => ['-p', p]), EMPTY_TREE], {
    input: message,
    env: { GIT_AUTHOR_NAME: email.split('@')[0], GIT_AUTHOR_EMAIL: email }
  })
}

describe('"Mine": branches with commits by user.email, in a real repository', () => {
  it('finds branches with a commit of mine not on main, through merges, in any case', async () => {
    const repo = TestRepo.create()
    repos.push(repo)
    repo.git(['config', 'user.email', 'Ana@Example.com'])
    const me = 'ana@example.com'
    const root = commitBy(repo, 'bo@example.com', 'root', [])
    const mainTip = commitBy(repo, me, 'mine, already on main', [root])
    repo.setRef('refs/heads/main', mainTip)
    const mine = commitBy(repo, 'ANA@example.com', 'ORD-1 mine', [mainTip])
    repo.setRef('refs/heads/feature/mine', mine)
    // Someone else's commit on top of mine: the branch still has a commit of mine.
    repo.setRef('refs/heads/feature/built-on-mine', commitBy(repo, 'bo@example.com', 'x', [mine]))
    repo.setRef('refs/heads/feature/theirs', commitBy(repo, 'bo@example.com', 'y', [mainTip]))
    // Only my commit that main already has: nothing of mine is on this branch alone.
    repo.setRef('refs/heads/feature/merged', mainTip)
    // A merge (by someone else) that brings my branch in.
    const theirs = commitBy(repo, 'cy@example.com', 'z', [mainTip])
    const merge = commitBy(repo, 'cy@example.com', 'merge', [theirs, mine])
    repo.setRef('refs/heads/feature/merges-mine', merge)
    repo.setRef('refs/remotes/origin/feature/mine', mine)

    const service = new BranchService(repo.path, {
      mainBranch: 'main',
      ticketPattern: '[A-Z][A-Z0-9]+-[0-9]+'
    })
    const result = await service.mine()
    expect(result.email).toBe('Ana@Example.com')
    expect([...result.names].sort()).toEqual([
      'feature/built-on-mine',
      'feature/merges-mine',
      'feature/mine',
      'origin/feature/mine'
    ])

    // Cached until refs move; then read again.
    repo.setRef(
      'refs/heads/feature/theirs',
      commitBy(repo, me, 'now mine too', [repo.sha('feature/theirs')])
    )
    expect((await service.mine()).names).not.toContain('feature/theirs')
    service.refsMoved()
    expect((await service.mine()).names).toContain('feature/theirs')

    // Another identity owns other branches.
    repo.git(['config', 'user.email', 'cy@example.com'])
    service.refsMoved()
    expect((await service.mine()).names).toEqual(['feature/merges-mine'])
  })

  it('has no branches without a git identity', async () => {
    const repo = TestRepo.create({ files: { a: '1' } })
    repos.push(repo)
    repo.git(['config', 'user.email', ''])
    const service = new BranchService(repo.path, { mainBranch: 'main', ticketPattern: 'X-[0-9]+' })
    expect(await service.mine()).toEqual({ email: null, names: [] })
  })
})
