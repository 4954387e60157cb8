import type { ViewerShare } from '../../shared/contract-viewer'
import { ExpectedError } from '../services/errors'
import type { Router } from './router'

/** A running read-only viewer server, as its host (serve or the desktop app) started it. */
export interface SharedViewer {
  /** The viewer URL (viewer token only; the server's full token is never handed out). */
  readonly url: string
  readonly host: string
  readonly port: number
  readonly onNetwork: boolean
  /** Stops listening and ends every viewer's connection. */
  close(): Promise<void>
}

/**
 * Starts a read-only viewer server over `router` in this process: 127.0.0.1 only, or every
 * address when `network`. Given by the hosts that can serve the renderer (serve, Electron).
 */
export type ViewerStarter = (
  router: Router,
  options: { readonly network: boolean }
) => Promise<SharedViewer>

/**
 * The one viewer link the app shares at a time ("Share read-only…"): started on request,
 * answered again while it runs, restarted when asked for the other reach, stopped on request
 * and when the router is disposed.
 */
export class ViewerSharing {
  private running: { share: ViewerShare; server: SharedViewer } | null = null
  private queue: Promise<unknown> = Promise.resolve()

  constructor(
    private readonly starter: ViewerStarter | null,
    private readonly router: () => Router
  ) {}

  /** The link being shared, or null. */
  current(): ViewerShare | null {
    return this.running?.share ?? null
  }

  /** Shares a viewer link (reusing the running one when it has the asked reach). */
  share(network: boolean): Promise<ViewerShare> {
    return this.serialise(async () => {
      if (this.running?.share.onNetwork === network) return this.running.share
      if (!this.starter) {
        throw new ExpectedError(
          'bad-request',
          'This host cannot share a read-only view; run `slipway serve --viewer` instead'
        )
      }
      await this.closeRunning()
      const server = await this.starter(this.router(), { network })
      const share: ViewerShare = {
        url: server.url,
        host: server.host,
        port: server.port,
        onNetwork: server.onNetwork,
        startedAt: new Date().toISOString()
      }
      this.running = { share, server }
      return share
    })
  }

  /** Stops sharing; nothing to do when nothing is shared. */
  stop(): Promise<null> {
    return this.serialise(async () => {
      await this.closeRunning()
      return null
    })
  }

  private async closeRunning(): Promise<void> {
    const running = this.running
    this.running = null
    if (running) await running.server.close()
  }

  private serialise<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work)
    this.queue = next.catch(() => undefined)
    return next
  }
}
