import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runGit } from '../git'

/** A detached checkout of one commit, outside the user's working tree. */
export interface BuildWorktree {
  readonly path: string
  /** Removes the checkout and git's record of it; safe to call after a failure. */
  remove(): Promise<void>
}

/**
 * `git worktree add --detach <tmp> <sha>`: an isolated checkout of `sha` (a full object
 * name) in a fresh temp folder, with the repository's hooks disabled so checking out for a
 * build never runs them.
 */
export async function addBuildWorktree(repo: string, sha: string): Promise<BuildWorktree> {
  const holder = await mkdtemp(join(tmpdir(), 'slipway-build-'))
  const path = join(holder, 'src')
  const remove = async (): Promise<void> => {
    await runGit(repo, ['worktree', 'remove', '--force', '--force', path], {
      okExitCodes: [0, 128]
    }).catch(() => null)
    await rm(holder, { recursive: true, force: true })
    // Forget the worktree even when `remove` could not (a half-made checkout).
    await runGit(repo, ['worktree', 'prune']).catch(() => null)
  }
  try {
    await runGit(repo, [
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
