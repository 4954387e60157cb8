/**
 * Where a ticket went after main: the releases whose commits name it (a release lists the
 * ticket keys of the commits since the previous one), and the environments whose latest
 * deployment recorded on this machine runs one of those releases or one built after it.
 */
import { join } from 'node:path'
import type { TicketDetail } from '../../../shared/ticket-models'
import { readLocalDeployments } from '../deploy'
import { readReleases } from '../releases'

/** The releases and reached environments of `key`, from the workspace's data folder. */
export async function releasesOf(
  workspaceDataDir: string,
  key: string
): Promise<Pick<TicketDetail, 'releases' | 'environments'>> {
  const [{ releases }, deployments] = await Promise.all([
    readReleases(join(workspaceDataDir, 'releases')),
    readLocalDeployments(workspaceDataDir)
  ])
  const mine = releases
    .filter((r) => r.tickets.includes(key))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    .map((r) => ({ id: r.id, commit: r.commit, createdAt: r.createdAt }))
  const previous = new Map(releases.map((r) => [r.id, r.previousId]))
  const brought = new Set(mine.map((r) => r.id))
  // A release contains the ticket when it, or a release before it in the chain of releases
  // (each names its previous one), brought it.
  const contains = (id: string): boolean => {
    const seen = new Set<string>()
    for (let at: string | null | undefined = id; at && !seen.has(at); at = previous.get(at)) {
      if (brought.has(at)) return true
      seen.add(at)
    }
    return false
  }
  const latest = new Map<string, { release: string; at: string }>()
  for (const d of deployments) {
    if (d.status !== 'succeeded') continue
    const at = d.finishedAt ?? d.startedAt
    const known = latest.get(d.environment)
    if (!known || known.at < at) latest.set(d.environment, { release: d.release, at })
  }
  const environments = [...latest]
    .filter(([, v]) => contains(v.release))
    .map(([name, v]) => ({ name, release: v.release, at: v.at }))
    .sort((a, b) => a.name.localeCompare(b.name))
  return { releases: mine, environments }
}
