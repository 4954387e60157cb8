import type { deployMethods } from '../../shared/contract-deploy'
import type { DomainHandlers, HandlerContext } from './handlers'

/** Handlers of the release, deployment and environment methods. */
export function createDeployHandlers(
  _ctx: HandlerContext
): DomainHandlers<keyof typeof deployMethods> {
  return {}
}
