import { runGit } from '../git'

/** The commit `refs/heads/<main>` points at, or null when the branch does not exist. */
export async function readMainTip(repo: string, mainBranch: string): Promise<string | null> {
  // A full ref name can never be read as an option, whatever the configured branch is called.
  const out = await runGit(
    repo,
    ['rev-parse', '--verify', '--quiet', `refs/heads/${mainBranch}^{commit}`],
    { okExitCodes: [0, 1] }
  )
  const sha = out.stdout.trim()
  return out.exitCode === 0 && /^[0-9a-f]{40,64}$/.test(sha) ? sha : null
}

/** How main moved from one tip to the next. */
export interface MainMove {
  /** The new tip descends from the old one (main was not rewound or rewritten). */
  readonly forward: boolean
  /** The new tip is a merge commit (two parents or more). */
  readonly merge: boolean
  readonly subject: string
}

/** Describes main moving from `from` to `to`: forward or not, a merge commit or not, its subject. */
export async function describeMove(repo: string, from: string, to: string): Promise<MainMove> {
  const [shown, ancestor] = await Promise.all([
    runGit(repo, ['show', '-s', '--format=%P%x00%s', to, '--']),
    runGit(repo, ['merge-base', '--is-ancestor', from, to], { okExitCodes: [0, 1] })
  ])
  const [parents = '', subject = ''] = shown.stdout.trim().split('\0')
  return {
    forward: ancestor.exitCode === 0,
    merge: parents.split(' ').filter(Boolean).length >= 2,
    subject
  }
}

/** The subject of one commit. */
export async function commitSubject(repo: string, sha: string): Promise<string> {
  const out = await runGit(repo, ['show', '-s', '--format=%s', sha, '--'])
  return out.stdout.trim()
}

/**
 * The commit a release id names (`20261126.1204-abc1234`, maybe with a `-2` suffix), as the
 * short sha in it; null when the id has none.
 */
export function releaseCommitPrefix(releaseId: string): string | null {
  const m = /-([0-9a-f]{7,12})(?:-\d+)?$/.exec(releaseId)
  return m ? (m[1] ?? null) : null
}
