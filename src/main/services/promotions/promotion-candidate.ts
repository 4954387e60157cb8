/**
 * A promotion as it would be requested now: the target environment (it must have
 * `promoteFrom`), the release current and healthy on every host of the source (read from the
 * hosts), and what ships since the release the target runs.
 */
import type { EnvironmentConfig } from '../../../shared/config-schema'
import { ExpectedError } from '../errors'
import { readIdentity } from '../team-state/git-write'
import { findRelease, mostRun, requireOnSource } from './promotion-checks'
import type { RawPromotion } from './promotion-fold'
import type { PromotionsOptions } from './promotions-service'
import { readShips } from './ships'

/** The environment `name` of slipway.yml, refused unless it is promoted from another one. */
export function promotionTarget(
  options: Pick<PromotionsOptions, 'config'>,
  name: string
): EnvironmentConfig & { promoteFrom: string } {
  const env = options.config.environments.find((e) => e.name === name)
  if (!env) throw new ExpectedError('not-found', `no environment "${name}" in slipway.yml`)
  if (!env.promoteFrom) {
    throw new ExpectedError(
      'bad-request',
      `${name} is not promoted from another environment (no promoteFrom in slipway.yml); deploy to it instead`
    )
  }
  return env as EnvironmentConfig & { promoteFrom: string }
}

/** The promotion of `releaseId` to `to` as this clone's identity would request it now. */
export async function candidateOf(
  options: PromotionsOptions,
  releaseId: string,
  to: string,
  reason: string
): Promise<RawPromotion> {
  const env = promotionTarget(options, to)
  await requireOnSource(options.deploy, releaseId, env.promoteFrom)
  const { release, all } = await findRelease(options.deploy, releaseId)
  const targetStatus = await options.deploy.status(to).catch(() => null)
  const since = mostRun(targetStatus)
  const ships = await readShips({
    repo: options.repo,
    since: since === release.id ? null : since,
    candidate: release,
    releases: all,
    ticketPattern: options.config.tickets.pattern,
    tracked: await options.tickets()
  })
  const me = await readIdentity(options.repo)
  return {
    id: '',
    release: release.id,
    sha256: release.sha256,
    commit: release.commit,
    from: env.promoteFrom,
    to,
    requestedBy: me,
    requestedAt: new Date().toISOString(),
    reason,
    ships,
    approvals: [],
    outcome: null
  }
}
