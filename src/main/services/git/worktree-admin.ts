import { runGit, type GitOutput, type GitRunOptions } from './runner'

/**
 * git's `worktree add` makes `.git/worktrees/<name>` and only then marks it "initializing"; a
 * `worktree prune` in between takes the half-made record away, and the add fails ("could not
 * open '.git/worktrees/<name>/locked' for writing"). Test runs, release builds and branch
 * environments add, remove and prune worktrees of the same repository at the same time, so
 * every such command of this process runs through here, one at a time.
 */
let tail: Promise<unknown> = Promise.resolve()

/** Runs a `git worktree …` command once the one before it (any repository) has ended. */
export function worktreeGit(
  repo: string,
  args: readonly string[],
  options?: GitRunOptions
): Promise<GitOutput> {
  const run = tail.then(() => runGit(repo, [...args], options))
  tail = run.catch(() => undefined)
  return run
}

/** `git worktree prune`, after the admin commands before it; a failure is ignored. */
export async function pruneWorktrees(repo: string): Promise<void> {
  await worktreeGit(repo, ['worktree', 'prune'], { okExitCodes: [0, 128] }).catch(() => undefined)
}
