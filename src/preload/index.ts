// The whole bridge: two functions over one invoke channel and one event channel.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import type { ApiBridge, AppEvent } from '../shared/contract'
import type { ApiResult } from '../shared/errors'
import { isMethodName } from './method-names'

const bridge: ApiBridge = {
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
    return ipcRenderer.invoke('slipway:invoke', method, request) as Promise<ApiResult<unknown>>
  },
  onEvent(listener: (event: AppEvent) => void): () => void {
    // The IpcRendererEvent (with its sender) never reaches the page.
    const wrapped = (_event: IpcRendererEvent, payload: AppEvent): void => listener(payload)
    ipcRenderer.on('slipway:event', wrapped)
    return () => {
      ipcRenderer.removeListener('slipway:event', wrapped)
    }
  }
}

contextBridge.exposeInMainWorld('slipway', bridge)
