/**
 * Moving the local main branch to a new commit (origin's main, or a merge) without ever
 * leaving the user's checkout inconsistent: where main is checked out here it moves by
 * `git merge --ff-only` (so the files follow) and only when the checkout is clean; where it is
 * checked out in another worktree it is not moved; elsewhere `update-ref` moves it as a
 * compare-and-swap against the value it had.
 */
import { ExpectedError } from '../errors'
import { runGit } from '../git'

/** Why main cannot be moved now (a sentence), or null when it can. */
export async function whyMainCannotMove(repo: string, mainBranch: string): Promise<string | null> {
  const ref = `refs/heads/${mainBranch}`
  const here = await checkedOutHere(repo, ref)
  const list = await runGit(repo, ['worktree', 'list', '--porcelain'])
  const holders = list.stdout.split('\n').filter((l) => l === `branch ${ref}`).length
  if (holders > (here ? 1 : 0)) {
    return `${mainBranch} is checked out in another worktree; switch that worktree away first`
  }
  if (!here) return null
  const status = await runGit(repo, ['status', '--porcelain=v1', '-z', '--untracked-files=no'])
  const changed = status.stdout.split('\0').filter((e) => /^.. /.test(e)).length
  if (changed > 0) {
    return `${mainBranch} is checked out here with ${changed} changed file${changed > 1 ? 's' : ''}; commit or stash them first`
  }
  return null
}

/** Moves main from `from` (null: it does not exist) to `to`, a descendant of it. */
export async function moveMain(
  repo: string,
  mainBranch: string,
  from: string | null,
  to: string
): Promise<void> {
  if (from === to) return
  const ref = `refs/heads/${mainBranch}`
  if (from && (await checkedOutHere(repo, ref))) {
    const out = await runGit(repo, ['merge', '--ff-only', '--quiet', '--end-of-options', to], {
      okExitCodes: [0, 1, 128]
    })
    if (out.exitCode !== 0) {
      throw new ExpectedError(
        'conflict',
        `could not move the checked-out ${mainBranch}: ${out.stderr.trim().split('\n')[0] ?? ''}`
      )
    }
    return
  }
  const zero = '0'.repeat(to.length)
  const out = await runGit(repo, ['update-ref', '-m', 'slipway: merge', ref, to, from ?? zero], {
    okExitCodes: [0, 128]
  })
  if (out.exitCode !== 0) {
    throw new ExpectedError('conflict', `${mainBranch} moved meanwhile; try again`, {
      stderr: out.stderr
    })
  }
}

async function checkedOutHere(repo: string, ref: string): Promise<boolean> {
  const head = await runGit(repo, ['symbolic-ref', '--quiet', 'HEAD'], { okExitCodes: [0, 1, 128] })
  if (head.stdout.trim() !== ref) return false
  const bare = await runGit(repo, ['rev-parse', '--is-bare-repository'])
  return bare.stdout.trim() !== 'true'
}
