import { randomBytes } from 'node:crypto'
import { mkdir, readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { pruneWorktrees, runGit, worktreeGit } from '../git'
import { isProcessAlive } from './process-tree'
import { PRIVATE_DIR } from '../private-files'

/** Folders a clean keeps in a reused worktree: what the setup step produced (see setup-cache). */
export const KEPT_SETUP_DIRS: readonly string[] = ['node_modules']

// The user's hooks never run for Slipway's own checkouts and merges.
const NO_HOOKS = ['-c', 'core.hooksPath=/dev/null']

// `wt-<pid>-<random>-<n>`: alive while the process that made it is.
function ownerIsAlive(name: string): boolean {
  const pid = /^wt-(\d+)-/.exec(name)?.[1]
  return pid !== undefined && isProcessAlive(Number(pid))
}

/** One worktree lent to a run. */
export interface Worktree {
  readonly path: string
  /** True when the run left a merge in progress; the pool resets it before lending it again. */
  merged: boolean
}

/**
 * A pool of detached git worktrees under `<root>` (`wt-<pool id>-0`, …), one per concurrent run.
 * A free worktree is reused with `checkout --detach --force <sha>` + `clean -ffdx` (keeping
 * {@link KEPT_SETUP_DIRS}) instead of being added again. No ref is ever created or moved, and
 * the user's own working tree is never touched.
 */
export class WorktreePool {
  private readonly free: Worktree[] = []
  private readonly all = new Set<string>()
  private next = 0
  // Names unique to this pool and carrying its process id: a pool of a service still stopping
  // in the same data folder (the workspace reopened), or of another Slipway process testing the
  // same workspace (`slipway test` beside `slipway serve`), is never cleaned away by this one.
  private readonly prefix = `wt-${process.pid}-${randomBytes(3).toString('hex')}`

  constructor(
    private readonly repo: string,
    private readonly root: string
  ) {}

  /**
   * Removes worktrees left by Slipway processes that are gone (a crash) and makes git forget
   * them; worktrees of live processes, this one included, are left alone.
   */
  async prepare(): Promise<void> {
    await mkdir(this.root, { recursive: true, mode: PRIVATE_DIR })
    const names = await readdir(this.root).catch(() => [] as string[])
    const leftovers = names.filter((name) => !ownerIsAlive(name))
    await Promise.all(
      leftovers.map((name) => rm(join(this.root, name), { recursive: true, force: true }))
    )
    await worktreeGit(this.repo, ['worktree', 'prune'])
  }

  /**
   * A worktree checked out (detached) at `sha`, clean except for the setup folders when
   * `keepSetup` (a project without a setup step gets a fully clean checkout).
   */
  async acquire(sha: string, keepSetup = true): Promise<Worktree> {
    const reused = this.free.pop()
    if (reused) {
      try {
        if (reused.merged) {
          await runGit(reused.path, [...NO_HOOKS, 'reset', '--hard', '--quiet'])
          reused.merged = false
        }
        await runGit(reused.path, [...NO_HOOKS, 'checkout', '--quiet', '--detach', '--force', sha])
        await runGit(reused.path, [
          'clean',
          '-ffdxq',
          ...(keepSetup ? KEPT_SETUP_DIRS.flatMap((d) => ['-e', `/${d}`]) : [])
        ])
        return reused
      } catch {
        // A broken worktree (removed by hand, corrupted) is replaced by a new one.
        await this.discard(reused)
      }
    }
    const path = join(this.root, `${this.prefix}-${this.next++}`)
    await rm(path, { recursive: true, force: true })
    this.all.add(path)
    await worktreeGit(this.repo, [...NO_HOOKS, 'worktree', 'add', '--quiet', '--detach', path, sha])
    return { path, merged: false }
  }

  /** Gives the worktree back for reuse. */
  release(worktree: Worktree): void {
    this.free.push(worktree)
  }

  /** Removes a worktree for good (git's record and the folder). */
  async discard(worktree: Worktree): Promise<void> {
    this.all.delete(worktree.path)
    await worktreeGit(this.repo, ['worktree', 'remove', '--force', worktree.path], {
      okExitCodes: [0, 128]
    })
    await rm(worktree.path, { recursive: true, force: true })
  }

  /** Removes every worktree of the pool (free or not) and prunes git's records. */
  async removeAll(): Promise<void> {
    this.free.length = 0
    const paths = [...this.all]
    this.all.clear()
    for (const path of paths) {
      await rm(path, { recursive: true, force: true })
    }
    await pruneWorktrees(this.repo)
  }

  /** How many worktrees exist right now. */
  get size(): number {
    return this.all.size
  }
}
