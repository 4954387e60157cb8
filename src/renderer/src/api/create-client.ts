import { createApiClient, type ApiClient } from './client'
import { createElectronTransport, findElectronBridge } from './electron-transport'
import { createHttpTransport } from './http-transport'

let chosen: ApiClient | null = null

/**
 * The app's one API client: the Electron preload bridge when `window.slipway` exists, the
 * `serve` HTTP transport otherwise. Chosen on first use and kept; components never know which.
 */
export function getApiClient(): ApiClient {
  if (chosen) return chosen
  const bridge = findElectronBridge()
  chosen = createApiClient(bridge ? createElectronTransport(bridge) : createHttpTransport({}))
  return chosen
}
