import type { trustMethods } from '../../shared/contract-trust'
import type { DomainHandlers, HandlerContext } from './handlers'

/** Handlers of the workspace trust methods, over the one trust service of the context. */
export function createTrustHandlers(
  ctx: HandlerContext
): DomainHandlers<keyof typeof trustMethods> {
  return {
    'trust.status': async () => ctx.trust.status(ctx.session.require().workspace),
    'trust.grant': async ({ fingerprint }) => {
      const status = await ctx.trust.grant(ctx.session.require().workspace, fingerprint)
      ctx.emit({ event: 'trust.changed', payload: { status } })
      return status
    }
  }
}
