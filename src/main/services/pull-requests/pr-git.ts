/**
 * The git verbs of pull requests. Branch names come from the repository's own refs (never
 * straight from a user) and reach git only inside `refs/heads/…` refspecs or after
 * `--end-of-options`; commit messages go through stdin; shas are checked to be shas.
 */
import type { PullCommit } from '../../../shared/pull-request-models'
import { ExpectedError } from '../errors'
import { findTickets, readBranchRefs, runGit, type BranchRef } from '../git'
import { isSha } from '../git/refs'
import { unknownIdentity } from '../team-state/git-write'

/** Most commits read for one pull request. */
export const MAX_PULL_COMMITS = 500
const NETWORK_TIMEOUT_MS = 120_000

/** How a push ended. */
export type PushResult =
  | { readonly kind: 'pushed' }
  | { readonly kind: 'no-origin' }
  | { readonly kind: 'rejected'; readonly message: string }
  | { readonly kind: 'unreachable'; readonly message: string }

/** The refs a pull request reads: the branch's tip (local, else origin's) and main's. */
export interface PullRefs {
  readonly head: BranchRef | null
  readonly main: BranchRef | null
  /** Origin's main, when fetched. */
  readonly originMain: BranchRef | null
}

/** Reads the branch's and main's refs (one `for-each-ref`). */
export async function readPullRefs(
  repo: string,
  branch: string,
  mainBranch: string
): Promise<PullRefs> {
  const refs = await readBranchRefs(repo)
  const local = (name: string): BranchRef | null =>
    refs.find((r) => r.kind === 'local' && r.name === name) ?? null
  const remote = (name: string): BranchRef | null =>
    refs.find((r) => r.kind === 'remote' && r.name === `origin/${name}`) ?? null
  return {
    head: local(branch) ?? remote(branch),
    main: local(mainBranch) ?? remote(mainBranch),
    originMain: remote(mainBranch)
  }
}

/** A branch name as typed (`x` or `origin/x`) reduced to the branch name. */
export function plainBranchName(name: string): string {
  const trimmed = name.trim()
  return trimmed.startsWith('origin/') ? trimmed.slice('origin/'.length) : trimmed
}

/** Commits on `head` not on `exclude`, newest first, with author emails and ticket keys. */
export async function readPullCommits(
  repo: string,
  head: string,
  exclude: string | null,
  ticketPattern: string
): Promise<PullCommit[]> {
  assertShas([head, ...(exclude ? [exclude] : [])])
  if (head === exclude) return []
  const out = await runGit(repo, [
    'rev-list',
    '--no-commit-header',
    '--format=%H%x00%an%x00%ae%x00%cI%x00%s',
    `--max-count=${MAX_PULL_COMMITS}`,
    '--end-of-options',
    head,
    ...(exclude ? [`^${exclude}`] : [])
  ])
  const commits: PullCommit[] = []
  for (const line of out.stdout.split('\n')) {
    if (!line) continue
    const [sha = '', author = '', authorEmail = '', date = '', subject = ''] = line.split('\0')
    commits.push({
      sha,
      author,
      authorEmail,
      date,
      subject,
      tickets: findTickets(subject, ticketPattern)
    })
  }
  return commits
}

/** The merge base of two commits, or null when they share no history. */
export async function mergeBase(repo: string, a: string, b: string): Promise<string | null> {
  assertShas([a, b])
  const out = await runGit(repo, ['merge-base', '--end-of-options', a, b], {
    okExitCodes: [0, 1]
  })
  const sha = out.stdout.trim()
  return out.exitCode === 0 && isSha(sha) ? sha : null
}

/** True when `ancestor` is reachable from `of` (or the same commit). */
export async function isAncestor(repo: string, ancestor: string, of: string): Promise<boolean> {
  assertShas([ancestor, of])
  const out = await runGit(
    repo,
    ['merge-base', '--is-ancestor', '--end-of-options', ancestor, of],
    {
      okExitCodes: [0, 1]
    }
  )
  return out.exitCode === 0
}

/** Origin's URL, or null. */
export async function hasOrigin(repo: string): Promise<boolean> {
  const out = await runGit(repo, ['config', '--get', 'remote.origin.url'], { okExitCodes: [0, 1] })
  return out.exitCode === 0 && out.stdout.trim() !== ''
}

/**
 * Pushes `sha` to origin's `refs/heads/<branch>`. With `expected` the push is a
 * compare-and-swap (`--force-with-lease`): origin must still hold `expected` ('' = nothing),
 * else it is rejected; without it only a fast-forward is accepted.
 */
export async function pushToOrigin(
  repo: string,
  sha: string,
  branch: string,
  expected?: string
): Promise<PushResult> {
  assertShas([sha])
  if (!(await hasOrigin(repo))) return { kind: 'no-origin' }
  const ref = `refs/heads/${branch}`
  const args = ['push', '--porcelain', '--quiet']
  if (expected !== undefined) args.push(`--force-with-lease=${ref}:${expected}`)
  args.push('origin', `${sha}:${ref}`)
  return runPush(repo, args)
}

/** Deletes origin's `refs/heads/<branch>` if it still points at `sha`. */
export async function deleteOnOrigin(
  repo: string,
  branch: string,
  sha: string
): Promise<PushResult> {
  assertShas([sha])
  if (!(await hasOrigin(repo))) return { kind: 'no-origin' }
  const ref = `refs/heads/${branch}`
  return runPush(repo, [
    'push',
    '--porcelain',
    '--quiet',
    `--force-with-lease=${ref}:${sha}`,
    'origin',
    `:${ref}`
  ])
}

async function runPush(repo: string, args: readonly string[]): Promise<PushResult> {
  const out = await runGit(repo, args, {
    okExitCodes: [0, 1, 128],
    timeoutMs: NETWORK_TIMEOUT_MS
  }).catch((err: unknown) => {
    if (err instanceof ExpectedError) return { exitCode: -1, stdout: '', stderr: err.message }
    throw err
  })
  if (out.exitCode === 0) return { kind: 'pushed' }
  const text = `${out.stdout}\n${out.stderr}`
  const first = out.stderr.trim().split('\n')[0] || 'origin refused the push'
  if (/^!\s/m.test(out.stdout) || /rejected|stale info|non-fast-forward/i.test(text)) {
    return { kind: 'rejected', message: first }
  }
  return { kind: 'unreachable', message: first }
}

/**
 * The tree of merging `head` into `main` without touching any checkout
 * (`git merge-tree --write-tree`); the conflicting files when it does not merge cleanly.
 */
export async function mergeTree(
  repo: string,
  main: string,
  head: string
): Promise<{ tree: string } | { conflicts: string[] }> {
  assertShas([main, head])
  const out = await runGit(
    repo,
    ['merge-tree', '--write-tree', '--name-only', '-z', '--end-of-options', main, head],
    { okExitCodes: [0, 1] }
  )
  const [tree = '', ...rest] = out.stdout.split('\0')
  if (out.exitCode === 0 && isSha(tree)) return { tree }
  // After the tree: the conflicted file names, an empty field, then informational messages.
  const end = rest.indexOf('')
  const conflicts = [...new Set(rest.slice(0, end < 0 ? rest.length : end))].filter(Boolean)
  return { conflicts }
}

/** Writes a commit of `tree` with `parents` and `message` (through stdin) as the user. */
export async function commitTree(
  repo: string,
  tree: string,
  parents: readonly string[],
  message: string
): Promise<string> {
  assertShas([tree, ...parents])
  const args = ['commit-tree', ...parents.flatMap((p) => ['-p', p]), tree]
  const out = await runGit(repo, args, { input: message, okExitCodes: [0, 128] })
  const sha = out.stdout.trim()
  if (out.exitCode !== 0 || !isSha(sha)) {
    const reason = out.stderr.trim().split('\n')[0] ?? 'git commit-tree failed'
    if (/tell me who you are|user\.name|user\.email|identity/i.test(out.stderr)) {
      throw unknownIdentity(repo)
    }
    throw new ExpectedError('git-failed', `could not write the merge commit: ${reason}`)
  }
  return sha
}

function assertShas(shas: readonly string[]): void {
  for (const s of shas) if (!isSha(s)) throw new Error(`not an object name: ${s}`)
}
