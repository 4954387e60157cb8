import type { viewerMethods } from '../../shared/contract-viewer'
import type { DomainHandlers, HandlerContext } from './handlers'

/** Handlers of "Share read-only…", over the router's one {@link ViewerSharing}. */
export function createViewerHandlers(
  ctx: HandlerContext
): DomainHandlers<keyof typeof viewerMethods> {
  return {
    'viewer.current': async () => ctx.viewerSharing.current(),
    'viewer.share': ({ network }) => ctx.viewerSharing.share(network),
    'viewer.stop': () => ctx.viewerSharing.stop()
  }
}
