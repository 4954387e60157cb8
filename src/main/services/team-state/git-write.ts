/**
 * Write-side git plumbing of team state: objects through `hash-object`, refs through one
 * `update-ref --stdin` transaction with the old value of every ref checked (a compare-and-swap
 * against other writers in this repository), and the author's identity. Nothing here touches
 * a branch, the index or the working tree.
 */
import { ExpectedError } from '../errors'
import { GitError, runGit } from '../git/runner'
import type { OpAuthor } from './op-codec'

/** One ref change: `oldSha` null means the ref must not exist yet. */
export interface RefUpdate {
  readonly ref: string
  readonly newSha: string
  readonly oldSha: string | null
}

/** Writes the empty tree (so pushes and fsck never miss it) and answers its id. */
export async function writeEmptyTree(repo: string): Promise<string> {
  const out = await runGit(repo, ['hash-object', '-t', 'tree', '-w', '--stdin'], { input: '' })
  return out.stdout.trim()
}

/** Writes a commit object from its raw text and answers its id. */
export async function writeCommitObject(repo: string, text: string): Promise<string> {
  const out = await runGit(repo, ['hash-object', '-t', 'commit', '-w', '--stdin'], {
    input: text
  })
  return out.stdout.trim()
}

/**
 * Applies every update in one transaction, or none: each ref must still hold its expected old
 * value. Answers false when another writer moved one of them first (the caller re-reads and
 * retries); any other failure throws.
 */
export async function updateRefsAtomically(
  repo: string,
  updates: readonly RefUpdate[],
  zero: string
): Promise<boolean> {
  if (updates.length === 0) return true
  const input = updates.map((u) => `update ${u.ref}\0${u.newSha}\0${u.oldSha ?? zero}\0`).join('')
  const out = await runGit(repo, ['update-ref', '-z', '--stdin'], {
    input,
    okExitCodes: [0, 1, 128]
  })
  if (out.exitCode === 0) return true
  if (/expected|already exists|unable to resolve|cannot lock ref/i.test(out.stderr)) return false
  throw new GitError(`git update-ref failed: ${out.stderr.trim().split('\n')[0]}`, {
    args: ['update-ref', '-z', '--stdin'],
    cwd: repo,
    exitCode: out.exitCode,
    stderr: out.stderr
  })
}

/** The error for a repository where git has no identity: which one, and how to set it. */
export function unknownIdentity(repo: string): ExpectedError {
  return new ExpectedError(
    'bad-config',
    `Git does not know who you are in ${repo}, and Slipway records who did what: run git config --global user.name "Your Name" and git config --global user.email you@example.com in a terminal (or, for this repository only, git -C "${repo}" config user.name "Your Name" and git -C "${repo}" config user.email you@example.com), then try again.`,
    { repo }
  )
}

/**
 * The git identity operations are written as (`user.name` / `user.email`, or the GIT_AUTHOR_*
 * environment), by `git var GIT_AUTHOR_IDENT`. Without one, an error that says how to set it.
 */
export async function readIdentity(repo: string): Promise<OpAuthor> {
  const out = await runGit(repo, ['var', 'GIT_AUTHOR_IDENT'], { okExitCodes: [0, 128] })
  const m = /^(.*) <([^>]*)> \d+ [+-]\d{4}$/.exec(out.stdout.trim())
  if (out.exitCode !== 0 || !m || !m[1]) {
    throw unknownIdentity(repo)
  }
  return { name: m[1], email: m[2] ?? '' }
}

/**
 * Packs loose refs into `packed-refs`, as `git gc` would: values do not change, but reading
 * tens of thousands of refs from one file instead of as many files is several times faster
 * for Slipway and for every other git tool.
 */
export async function packRefs(repo: string): Promise<void> {
  await runGit(repo, ['pack-refs', '--all'])
}
