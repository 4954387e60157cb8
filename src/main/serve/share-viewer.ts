import type { ViewerStarter } from '../api'
import { startServer } from './server'

/**
 * The {@link ViewerStarter} of hosts that serve the built renderer (`serve`, the desktop app):
 * a second server in this process with a viewer token of its own. Its full token is random
 * and never leaves this function, so the shared server answers reads to viewers only.
 */
export function viewerStarter(
  rendererDir: string,
  log?: (message: string, err?: unknown) => void
): ViewerStarter {
  return async (router, { network }) => {
    const server = await startServer({
      router,
      rendererDir,
      viewer: true,
      host: network ? '0.0.0.0' : '127.0.0.1',
      ...(log ? { log } : {})
    })
    if (server.viewerUrl === null) throw new Error('a viewer server without a viewer URL')
    return {
      url: server.viewerUrl,
      host: new URL(server.viewerUrl).hostname,
      port: server.port,
      onNetwork: server.onNetwork,
      close: () => server.close()
    }
  }
}
