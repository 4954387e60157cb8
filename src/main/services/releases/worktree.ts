import { rm } from 'node:fs/promises'
import { pruneWorktrees, worktreeGit } from '../git'

/** A detached checkout of one commit, outside the user's working tree. */
export interface BuildWorktree {
  readonly path: string
  /** Removes the checkout and git's record of it; safe to call after a failure. */
  remove(): Promise<void>
}

/**
 * `git worktree add --detach <path> <sha>`: an isolated checkout of `sha` (a full object
 * name) at `path` (which must not exist; it lives in the release's staging folder, so a crash
 * leaves it where pruning finds it), with the repository's hooks disabled so checking out for
 * a build never runs them.
 */
export async function addBuildWorktree(
  repo: string,
  sha: string,
  path: string
): Promise<BuildWorktree> {
  const remove = async (): Promise<void> => {
    await worktreeGit(repo, ['worktree', 'remove', '--force', '--force', path], {
      okExitCodes: [0, 128]
    }).catch(() => null)
    await rm(path, { recursive: true, force: true })
    // Forget the worktree even when `remove` could not (a half-made checkout).
    await pruneWorktrees(repo)
  }
  try {
    await worktreeGit(repo, [
      '-c',
      'core.hooksPath=/dev/null',
      'worktree',
      'add',
      '--quiet',
      '--detach',
      '--end-of-options',
      path,
      sha
    ])
  } catch (err) {
    await remove()
    throw err
  }
  return { path, remove }
}
