import type { ServerResponse } from 'node:http'
import type { AppEvent } from '../../shared/contract'
import { viewerEvent, type AccessRole } from './viewer-access'

/** How often an idle event stream gets a `: ping` comment (keeps proxies and sockets alive). */
export const SSE_PING_MS = 25_000

/**
 * The Server-Sent Events clients of one server: each event goes to every client as an
 * unnamed `data: <json>` message; `close()` ends every stream.
 */
export class EventStreams {
  private readonly clients = new Map<ServerResponse, AccessRole>()
  private readonly pinger: NodeJS.Timeout

  constructor(pingMs: number = SSE_PING_MS) {
    this.pinger = setInterval(() => this.write(': ping\n\n'), pingMs)
    this.pinger.unref()
  }

  /** Turns `res` into an event stream and keeps it until the client goes away. */
  add(res: ServerResponse, role: AccessRole = 'full'): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no'
    })
    res.flushHeaders()
    res.write(': connected\n\n')
    this.clients.set(res, role)
    res.on('close', () => this.clients.delete(res))
  }

  /** Sends one event to every client; a viewer gets it filtered ({@link viewerEvent}) or not at all. */
  send(event: AppEvent): void {
    const full = `data: ${JSON.stringify(event)}\n\n`
    let forViewers: string | null | undefined
    for (const [res, role] of this.clients) {
      if (res.writableEnded) continue
      if (role === 'full') {
        res.write(full)
        continue
      }
      if (forViewers === undefined) {
        const shown = viewerEvent(event)
        forViewers = shown && `data: ${JSON.stringify(shown)}\n\n`
      }
      if (forViewers) res.write(forViewers)
    }
  }

  /** How many clients are connected. */
  get size(): number {
    return this.clients.size
  }

  /** Ends every stream and stops pinging. */
  close(): void {
    clearInterval(this.pinger)
    for (const res of this.clients.keys()) res.end()
    this.clients.clear()
  }

  private write(chunk: string): void {
    for (const res of this.clients.keys()) {
      if (!res.writableEnded) res.write(chunk)
    }
  }
}
