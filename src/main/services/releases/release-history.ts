import { readCommits, runGit } from '../git'
import type { Release } from '../../../shared/deploy-models'

/** Commits listed in a release manifest at most. */
export const MAX_RELEASE_COMMITS = 500

/** What changed since the previous release of the same line of history. */
export interface ReleaseHistory {
  readonly previousId: string | null
  readonly commits: readonly { readonly sha: string; readonly subject: string }[]
  readonly tickets: readonly string[]
}

/**
 * The newest of `releases` (newest first) whose commit is an ancestor of `commit` (or the
 * same commit), and the commits and ticket keys since it (newest first, at most 500). A
 * release whose commit the repository no longer has is passed over.
 */
export async function releaseHistory(
  repo: string,
  commit: string,
  releases: readonly Release[],
  ticketPattern: string
): Promise<ReleaseHistory> {
  let previous: Release | null = null
  for (const candidate of releases) {
    const out = await runGit(
      repo,
      ['merge-base', '--is-ancestor', '--end-of-options', candidate.commit, commit],
      { okExitCodes: [0, 1, 128] }
    )
    if (out.exitCode === 0) {
      previous = candidate
      break
    }
  }
  const commits = await readCommits(repo, {
    tip: commit,
    exclude: previous?.commit ?? null,
    limit: MAX_RELEASE_COMMITS,
    ticketPattern
  })
  const tickets: string[] = []
  for (const c of commits) for (const t of c.tickets) if (!tickets.includes(t)) tickets.push(t)
  return {
    previousId: previous?.id ?? null,
    commits: commits.map((c) => ({ sha: c.sha, subject: c.subject })),
    tickets
  }
}
