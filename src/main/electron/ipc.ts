import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron'
import type { ApiResult } from '../../shared/errors'
import type { Router } from '../api'
import { isTrustedSender } from './policy'

/** The one invoke channel and the one event channel of the transport protocol. */
export const INVOKE_CHANNEL = 'slipway:invoke'
export const EVENT_CHANNEL = 'slipway:event'

/**
 * Serves the router on `slipway:invoke` (of `ipc`, Electron's ipcMain) to the app's own frame
 * in `target` only, and forwards router events to `target` on `slipway:event`. Returns a
 * function that undoes both.
 */
export function connectIpc(
  ipc: Pick<IpcMain, 'handle' | 'removeHandler'>,
  router: Router,
  target: WebContents,
  appUrl: string
): () => void {
  ipc.handle(
    INVOKE_CHANNEL,
    async (
      event: IpcMainInvokeEvent,
      method: unknown,
      request: unknown
    ): Promise<ApiResult<unknown>> => {
      const frameUrl = event.senderFrame?.url ?? ''
      if (event.sender !== target || !isTrustedSender(frameUrl, appUrl)) {
        return {
          ok: false,
          error: {
            code: 'unauthorized',
            message: 'Calls are accepted from the Slipway window only'
          }
        }
      }
      return router.invoke(typeof method === 'string' ? method : '', request)
    }
  )
  const unsubscribe = router.onEvent((e) => {
    if (!target.isDestroyed()) target.send(EVENT_CHANNEL, e)
  })
  return () => {
    unsubscribe()
    ipc.removeHandler(INVOKE_CHANNEL)
  }
}
