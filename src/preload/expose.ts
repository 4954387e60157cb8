// The whole bridge: two functions over one invoke channel and one event channel. Electron's
// contextBridge and ipcRenderer are passed in (type imports only), so it is tested with
// stand-ins; src/preload/index.ts passes the real ones.
import type { ContextBridge, IpcRenderer, IpcRendererEvent } from 'electron'
import type { ApiBridge, AppEvent } from '../shared/contract'
import type { ApiResult } from '../shared/errors'
import { isMethodName } from './method-names'

/** The bridge the page sees as `window.slipway`. */
export function createBridge(
  ipc: Pick<IpcRenderer, 'invoke' | 'on' | 'removeListener'>
): ApiBridge {
  return {
    invoke(method: string, request: unknown): Promise<ApiResult<unknown>> {
      if (!isMethodName(method)) {
        return Promise.resolve({
          ok: false,
          error: {
            code: 'unknown-method',
            message: `Unknown method "${String(method).slice(0, 80)}"`
          }
        })
      }
      return ipc.invoke('slipway:invoke', method, request) as Promise<ApiResult<unknown>>
    },
    onEvent(listener: (event: AppEvent) => void): () => void {
      // The IpcRendererEvent (with its sender) never reaches the page.
      const wrapped = (_event: IpcRendererEvent, payload: AppEvent): void => listener(payload)
      ipc.on('slipway:event', wrapped)
      return () => {
        ipc.removeListener('slipway:event', wrapped)
      }
    }
  }
}

/** Puts the bridge, and nothing else, in the page's world as `window.slipway`. */
export function exposeBridge(
  contextBridge: Pick<ContextBridge, 'exposeInMainWorld'>,
  ipc: Pick<IpcRenderer, 'invoke' | 'on' | 'removeListener'>
): void {
  contextBridge.exposeInMainWorld('slipway', createBridge(ipc))
}
