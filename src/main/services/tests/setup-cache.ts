import { spawn } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

/** Lockfiles whose content decides whether a cached setup result can be reused. */
export const LOCKFILES: readonly string[] = ['package-lock.json', 'yarn.lock', 'pnpm-lock.yaml']
/** The folder the setup step produces and the cache keeps. */
export const CACHED_DIR = 'node_modules'
const MARKER = '.slipway-setup'

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
  constructor(private readonly root: string) {}

  /** Puts the cached folder for `key` into the worktree; 'miss' when the cache has none. */
  async restore(worktree: string, key: string): Promise<RestoreResult> {
    const target = join(worktree, CACHED_DIR)
    const marker = await readFile(join(target, MARKER), 'utf8').catch(() => null)
    if (marker === key) return 'already-there'
    await rm(target, { recursive: true, force: true })
    const cached = join(this.root, key, CACHED_DIR)
    if (!(await exists(cached))) return 'miss'
    await copyTree(cached, target, true)
    return 'restored'
  }

  /** Clears the worktree's setup folder before a setup runs without a cache (no key). */
  async clear(worktree: string): Promise<void> {
    await rm(join(worktree, CACHED_DIR), { recursive: true, force: true })
  }

  /** Stores the worktree's freshly set-up folder under `key` (atomic: temp folder + rename). */
  async save(worktree: string, key: string): Promise<void> {
    const source = join(worktree, CACHED_DIR)
    if (!(await exists(source))) return
    await writeFile(join(source, MARKER), key)
    const final = join(this.root, key)
    if (await exists(final)) return
    const tmp = join(this.root, `.tmp-${key}-${randomBytes(4).toString('hex')}`)
    await mkdir(tmp, { recursive: true })
    try {
      await copyTree(source, join(tmp, CACHED_DIR), true)
      await rename(tmp, final)
    } catch {
      // Another run stored the same key first (rename onto a non-empty folder fails): keep theirs.
    } finally {
      await rm(tmp, { recursive: true, force: true })
    }
  }
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
