/**
 * Network-side git plumbing of team state: one fetch of origin's `refs/slipway/*` into the
 * remote-tracking namespace, and pushes that are compare-and-swaps against what was fetched.
 * Only `origin` is used; no branch, index or working-tree file is touched.
 */
import { DEFAULT_TIMEOUTS } from '../../../shared/timeouts'
import { GitError, runGit } from '../git/runner'
import { FETCH_REFSPEC } from './ref-names'

/** One ref to push: `expected` is what origin held at the fetch (null: it had none). */
export interface PushUpdate {
  readonly ref: string
  readonly sha: string
  readonly expected: string | null
}

/** How a push ended. */
export type PushOutcome =
  | { readonly kind: 'pushed' }
  | { readonly kind: 'rejected'; readonly refs: readonly string[]; readonly message: string }
  | { readonly kind: 'unreachable'; readonly message: string }

/** How long one fetch or push may talk to origin, unless the caller says (`timeouts.fetchSeconds`). */
const NETWORK_TIMEOUT_MS = DEFAULT_TIMEOUTS.fetchSeconds * 1000
const TIMEOUT_SETTING = 'timeouts.fetchSeconds'
// Keeps each push's command line far below ARG_MAX however many entities changed.
const PUSH_CHUNK = 300

/** Origin's URL, or null when the repository has no origin. */
export async function originUrl(repo: string): Promise<string | null> {
  const out = await runGit(repo, ['config', '--get', 'remote.origin.url'], {
    okExitCodes: [0, 1]
  })
  const url = out.stdout.trim()
  return out.exitCode === 0 && url ? url : null
}

/**
 * Fetches origin's team state (and `extraRefspecs`, e.g. its branches) in one `git fetch`,
 * mirroring deletions (`--prune`), without tags or FETCH_HEAD. Throws a GitError when origin
 * cannot be reached.
 */
export async function fetchTeamState(
  repo: string,
  extraRefspecs: readonly string[] = [],
  timeoutMs: number = NETWORK_TIMEOUT_MS
): Promise<void> {
  await runGit(
    repo,
    [
      'fetch',
      '--quiet',
      '--no-tags',
      '--prune',
      '--no-write-fetch-head',
      '--no-recurse-submodules',
      'origin',
      FETCH_REFSPEC,
      ...extraRefspecs
    ],
    { timeoutMs, timeoutSetting: TIMEOUT_SETTING, network: true }
  )
}

/**
 * Pushes every update as a compare-and-swap: `--force-with-lease=<ref>:<expected>` makes
 * origin refuse a ref that moved since the fetch, `--atomic` makes each chunk all or nothing,
 * `--no-verify` keeps the user's branch pre-push hooks out of team-state pushes.
 */
export async function pushTeamState(
  repo: string,
  updates: readonly PushUpdate[],
  timeoutMs: number = NETWORK_TIMEOUT_MS
): Promise<PushOutcome> {
  for (let i = 0; i < updates.length; i += PUSH_CHUNK) {
    const chunk = updates.slice(i, i + PUSH_CHUNK)
    const args = ['push', '--atomic', '--porcelain', '--no-verify', '--quiet', 'origin']
    for (const u of chunk) args.push(`--force-with-lease=${u.ref}:${u.expected ?? ''}`)
    for (const u of chunk) args.push(`${u.sha}:${u.ref}`)
    let out
    try {
      out = await runGit(repo, args, {
        okExitCodes: [0, 1],
        timeoutMs,
        timeoutSetting: TIMEOUT_SETTING,
        network: true
      })
    } catch (err) {
      if (err instanceof GitError) return { kind: 'unreachable', message: err.message }
      throw err
    }
    if (out.exitCode !== 0) {
      const rejected = out.stdout
        .split('\n')
        .filter((l) => l.startsWith('!'))
        .map((l) => l.split('\t')[1]?.split(':')[1] ?? '')
        .filter(Boolean)
      const reason = out.stderr.trim().split('\n')[0] || 'origin refused the push'
      if (rejected.length === 0 && !/atomic|stale|rejected/i.test(out.stdout + out.stderr)) {
        return { kind: 'unreachable', message: reason }
      }
      return { kind: 'rejected', refs: rejected, message: reason }
    }
  }
  return { kind: 'pushed' }
}
