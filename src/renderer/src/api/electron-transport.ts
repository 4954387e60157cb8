import type { ApiBridge } from '../../../shared'

type WindowWithBridge = Window & { slipway?: ApiBridge }

/** The preload's bridge when running inside Electron, otherwise undefined. */
export function findElectronBridge(win: Window = window): ApiBridge | undefined {
  const bridge = (win as WindowWithBridge).slipway
  return bridge && typeof bridge.invoke === 'function' && typeof bridge.onEvent === 'function'
    ? bridge
    : undefined
}

/**
 * The Electron transport: the preload already speaks the contract's two functions over one
 * invoke channel and one event channel, so this only guards against a rejected invoke (which
 * Electron produces when the main process throws) by turning it into an ApiResult.
 */
export function createElectronTransport(bridge: ApiBridge): ApiBridge {
  return {
    async invoke(method, request) {
      try {
        return await bridge.invoke(method, request)
      } catch {
        return {
          ok: false,
          error: { code: 'internal', message: `The desktop backend failed ${method}.` }
        }
      }
    },
    onEvent(listener) {
      return bridge.onEvent(listener)
    }
  }
}
