import type { EnvironmentStatus, Release } from '../../../shared/deploy-models'
import { ExpectedError } from '../errors'
import { runGit } from '../git'

/**
 * The release an environment serves, read from its hosts (the one most reachable hosts run,
 * when they drift), and its commit: from this machine's release store, else from the
 * abbreviated commit at the end of the release id (`20261126.1204-abc1234`).
 */
export async function environmentCommit(
  repo: string,
  status: EnvironmentStatus,
  releases: readonly Release[]
): Promise<{ release: string; sha: string }> {
  const counts = new Map<string, number>()
  for (const host of status.hosts) {
    if (host.reachable && host.release)
      counts.set(host.release, (counts.get(host.release) ?? 0) + 1)
  }
  const release = [...counts.entries()].sort(
    (a, b) => b[1] - a[1] || (a[0] < b[0] ? 1 : -1)
  )[0]?.[0]
  if (!release) {
    const unread = status.hosts
      .filter((h) => !h.reachable)
      .map((h) => `${h.host}: ${h.error ?? 'unreachable'}`)
    throw new ExpectedError(
      'not-found',
      unread.length > 0
        ? `no host of ${status.environment} could say what it runs (${unread.join('; ')})`
        : `${status.environment} runs no release yet`,
      { environment: status.environment }
    )
  }
  const known = releases.find((r) => r.id === release)
  if (known) return { release, sha: known.commit }
  const short = /-([0-9a-f]{7,40})$/.exec(release)?.[1]
  const out = short
    ? await runGit(
        repo,
        ['rev-parse', '--verify', '--quiet', '--end-of-options', `${short}^{commit}`],
        {
          okExitCodes: [0, 1, 128]
        }
      )
    : null
  const sha = out?.exitCode === 0 ? out.stdout.trim() : ''
  if (!sha) {
    throw new ExpectedError(
      'not-found',
      `${status.environment} runs ${release}, whose commit is not in this repository (fetch, then try again)`,
      { environment: status.environment, release }
    )
  }
  return { release, sha }
}
