import { spawn } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { PRIVATE_DIR } from '../private-files'

/** Lockfiles whose content decides whether a cached setup result can be reused. */
export const LOCKFILES: readonly string[] = ['package-lock.json', 'yarn.lock', 'pnpm-lock.yaml']
/** The folder the setup step produces and the cache keeps. */
export const CACHED_DIR = 'node_modules'
const MARKER = '.slipway-setup'
/** How many setup results the cache keeps (the least recently used go first). */
export const SETUP_CACHE_ENTRIES = 4

/**
 * The cache key of a setup step in a checked-out worktree: a hash of the setup command and the
 * content of the lockfiles present, or null when there is no lockfile (nothing to key on, so
 * the setup runs every time). Read from the checkout rather than with `git show` so that a
 * merge-result worktree (which has no commit) is keyed by what is really there.
 */
export async function setupKey(worktree: string, setupCommand: string): Promise<string | null> {
  const hash = createHash('sha256').update(setupCommand).update('\0')
  let found = false
  for (const name of LOCKFILES) {
    const content = await readFile(join(worktree, name)).catch(() => null)
    if (!content) continue
    found = true
    hash.update(name).update('\0').update(content).update('\0')
  }
  return found ? hash.digest('hex').slice(0, 24) : null
}

/** What {@link SetupCache.restore} did. */
export type RestoreResult = 'already-there' | 'restored' | 'miss'

/**
 * Setup results (`node_modules`) kept under `<root>/<key>/node_modules`, hard-linked into a
 * worktree on a hit (cheap, same file system). A marker file inside the folder records the
 * key, so a reused worktree whose folder already matches costs nothing.
 */
export class SetupCache {
  private readonly trash: string
  private readonly deleting = new Set<Promise<void>>()

  constructor(
    private readonly root: string,
    private readonly keep = SETUP_CACHE_ENTRIES
  ) {
    this.trash = join(root, '.trash')
  }

  /** Puts the cached folder for `key` into the worktree; 'miss' when the cache has none. */
  async restore(worktree: string, key: string): Promise<RestoreResult> {
    const target = join(worktree, CACHED_DIR)
    const marker = await readFile(join(target, MARKER), 'utf8').catch(() => null)
    const cached = join(this.root, key, CACHED_DIR)
    if (marker === key) {
      await touch(join(this.root, key))
      return 'already-there'
    }
    await this.clear(worktree)
    if (!(await exists(cached))) return 'miss'
    await touch(join(this.root, key))
    await copyTree(cached, target, true)
    return 'restored'
  }

  /**
   * Empties the worktree's setup folder: renamed into the cache's trash at once (same file
   * system) and deleted in the background, so the run does not wait for thousands of unlinks.
   */
  async clear(worktree: string): Promise<void> {
    const target = join(worktree, CACHED_DIR)
    if (!(await exists(target))) return
    await mkdir(this.trash, { recursive: true, mode: PRIVATE_DIR })
    const aside = join(this.trash, randomBytes(6).toString('hex'))
    try {
      await rename(target, aside)
    } catch {
      await rm(target, { recursive: true, force: true })
      return
    }
    this.later(rm(aside, { recursive: true, force: true }))
  }

  /** Stores the worktree's freshly set-up folder under `key` (atomic: temp folder + rename). */
  async save(worktree: string, key: string): Promise<void> {
    const source = join(worktree, CACHED_DIR)
    if (!(await exists(source))) return
    await writeFile(join(source, MARKER), key)
    const final = join(this.root, key)
    if (await exists(final)) return
    const tmp = join(this.root, `.tmp-${key}-${randomBytes(4).toString('hex')}`)
    await mkdir(tmp, { recursive: true, mode: PRIVATE_DIR })
    try {
      await copyTree(source, join(tmp, CACHED_DIR), true)
      await rename(tmp, final)
    } catch {
      // Another run stored the same key first (rename onto a non-empty folder fails): keep theirs.
    } finally {
      await rm(tmp, { recursive: true, force: true })
    }
    await this.evict()
  }

  /** Resolves when background deletions have finished. */
  async settle(): Promise<void> {
    while (this.deleting.size > 0) await Promise.all([...this.deleting])
  }

  /** Drops the least recently used entries beyond the limit (in the background). */
  private async evict(): Promise<void> {
    const names = (await readdir(this.root).catch(() => [] as string[])).filter(
      (n) => !n.startsWith('.')
    )
    if (names.length <= this.keep) return
    const dated = await Promise.all(
      names.map(async (n) => ({ n, t: (await stat(join(this.root, n))).mtimeMs }))
    )
    dated.sort((a, b) => b.t - a.t)
    for (const { n } of dated.slice(this.keep)) {
      const aside = join(this.trash, `${n}-${randomBytes(4).toString('hex')}`)
      await mkdir(this.trash, { recursive: true, mode: PRIVATE_DIR })
      await rename(join(this.root, n), aside).catch(() => {})
      this.later(rm(aside, { recursive: true, force: true }))
    }
  }

  private later(task: Promise<void>): void {
    const tracked = task.catch(() => {}).finally(() => this.deleting.delete(tracked))
    this.deleting.add(tracked)
  }
}

async function touch(path: string): Promise<void> {
  const now = new Date()
  await utimes(path, now, now).catch(() => {})
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null)) !== null
}

/** `cp -a` (hard links with `link`, falling back to a copy across file systems). */
async function copyTree(from: string, to: string, link: boolean): Promise<void> {
  const code = await runCp([link ? '-al' : '-a', '--', from, to])
  if (code === 0) return
  await rm(to, { recursive: true, force: true })
  if (link) return copyTree(from, to, false)
  throw new Error(`cp failed (exit ${code}) copying ${from} to ${to}`)
}

function runCp(args: readonly string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn('cp', args, { stdio: 'ignore' })
    child.on('error', () => resolve(127))
    child.on('close', (code) => resolve(code ?? 1))
  })
}
