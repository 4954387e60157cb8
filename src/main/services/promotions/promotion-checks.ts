/**
 * The checks a promotion passes before anything moves, read from the hosts each time (never
 * remembered): the release is current and healthy on every host of the source environment;
 * the artifact here is the one that was requested (same sha256); no target host holds the
 * release id with another sha256.
 */
import type { EnvironmentStatus, Release } from '../../../shared/deploy-models'
import type { Promotion } from '../../../shared/promotion-models'
import { ExpectedError } from '../errors'
import type { PromoteDeploy } from './promotions-service'

/** Refuses unless `release` is current and healthy on every host of `from` (read now). */
export async function requireOnSource(
  deploy: PromoteDeploy,
  release: string,
  from: string
): Promise<void> {
  const status = await deploy.status(from)
  const problems = status.hosts.flatMap((h) => {
    if (!h.reachable) return [`${h.host} could not be read (${h.error ?? 'unreachable'})`]
    if (h.release !== release) return [`${h.host} runs ${h.release ?? 'nothing'}`]
    if (!h.healthy) return [`${h.host} is not healthy (${h.health.detail || h.health.kind})`]
    return []
  })
  if (problems.length > 0) {
    throw new ExpectedError(
      'conflict',
      `${release} is not current and healthy on every host of ${from}: ${problems.join('; ')}`,
      { release, environment: from, problems }
    )
  }
}

/** The release `id` from this machine's release store, with every release; refused when absent. */
export async function findRelease(
  deploy: PromoteDeploy,
  id: string
): Promise<{ release: Release; all: Release[] }> {
  const all = await deploy.listReleases()
  const release = all.find((r) => r.id === id)
  if (!release) {
    throw new ExpectedError(
      'not-found',
      `release ${id} is not in this machine's release store; promote from the machine that built it`
    )
  }
  return { release, all }
}

/**
 * Refuses, before anything starts, unless the release here is the very artifact that was
 * requested and approved and no target host holds the release id with another sha256.
 */
export async function requireSameArtifact(
  deploy: PromoteDeploy,
  promotion: Promotion
): Promise<void> {
  const { release, to } = promotion
  // The very artifact that was requested: never a rebuild under the same id.
  const { release: local } = await findRelease(deploy, release)
  if (local.sha256 !== promotion.sha256) {
    throw new ExpectedError(
      'deploy-failed',
      `release ${release} here has sha256 ${local.sha256}, not the ${promotion.sha256} that was requested and approved; nothing was deployed`
    )
  }
  const hosts = await deploy.releaseOnHosts(to, release)
  const mismatched = hosts.filter((h) => h.present && h.sha256 !== promotion.sha256)
  if (mismatched.length > 0) {
    throw new ExpectedError(
      'deploy-failed',
      `sha256 mismatch: ${mismatched.map((h) => `${h.host} holds releases/${release} with sha256 ${h.sha256 ?? 'unrecorded'}`).join('; ')}, not ${promotion.sha256} from the release manifest; nothing was activated`,
      { hosts: mismatched.map((h) => h.host) }
    )
  }
}

/** The release most hosts of an environment run, or null. */
export function mostRun(status: EnvironmentStatus | null): string | null {
  if (!status) return null
  const counts = new Map<string, number>()
  for (const h of status.hosts)
    if (h.release) counts.set(h.release, (counts.get(h.release) ?? 0) + 1)
  let best: string | null = null
  for (const [id, n] of counts) if (best === null || n > (counts.get(best) ?? 0)) best = id
  return best
}
