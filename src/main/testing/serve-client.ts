import { request, type ClientRequest, type IncomingMessage } from 'node:http'
import type { AppEvent } from '../../shared/contract'

// Test support: a client of a running `slipway serve` over its real HTTP API, as the browser's
// client uses it: POST /api/invoke/<method> with the token, and the event stream
// (GET /api/events, server-sent events).

/** Where a serve process listens and the token it printed. */
export interface ServeAddress {
  readonly origin: string
  readonly token: string
}

/** A failed call: the API's error code and message. */
export class InvokeError extends Error {
  constructor(
    readonly method: string,
    readonly code: string,
    message: string
  ) {
    super(`${method}: ${code}: ${message}`)
  }
}

/** Calls one API method; answers its value or throws {@link InvokeError}. */
export async function invoke<T>(at: ServeAddress, method: string, body: unknown = {}): Promise<T> {
  const res = await fetch(`${at.origin}/api/invoke/${encodeURIComponent(method)}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${at.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body)
  })
  const answer = (await res.json()) as {
    ok: boolean
    value?: unknown
    error?: { code?: string; message?: string }
  }
  if (!answer.ok) {
    throw new InvokeError(method, answer.error?.code ?? 'unknown', answer.error?.message ?? '')
  }
  return answer.value as T
}

/** One open event stream. */
export interface EventStream {
  /** Resolves once the server answered the stream's request (200). */
  readonly opened: Promise<void>
  /** How many events arrived so far. */
  received(): number
  /** Closes the connection (the server sees the client leave). */
  close(): void
}

/**
 * Opens the event stream of `at` and calls `onEvent` for each event. A stream that ends or
 * fails (the server was killed) calls `onEnd` once.
 */
export function openEventStream(
  at: ServeAddress,
  onEvent: (event: AppEvent) => void,
  onEnd: (error: Error | null) => void = () => {}
): EventStream {
  const url = new URL(`${at.origin}/api/events`)
  url.searchParams.set('token', at.token)
  let count = 0
  let ended = false
  const end = (error: Error | null): void => {
    if (ended) return
    ended = true
    onEnd(error)
  }
  let req: ClientRequest | null = null
  let res: IncomingMessage | null = null
  const opened = new Promise<void>((resolve, reject) => {
    req = request(url, { headers: { accept: 'text/event-stream' } }, (response) => {
      res = response
      if (response.statusCode !== 200) {
        reject(new Error(`event stream answered ${response.statusCode}`))
        response.resume()
        return
      }
      resolve()
      let buffer = ''
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => {
        buffer += chunk
        let cut = buffer.indexOf('\n\n')
        while (cut >= 0) {
          const block = buffer.slice(0, cut)
          buffer = buffer.slice(cut + 2)
          const data = block
            .split('\n')
            .filter((l) => l.startsWith('data: '))
            .map((l) => l.slice(6))
            .join('\n')
          if (data !== '') {
            count += 1
            onEvent(JSON.parse(data) as AppEvent)
          }
          cut = buffer.indexOf('\n\n')
        }
      })
      response.on('end', () => end(null))
      response.on('error', (e) => end(e))
    })
    req.on('error', (e) => {
      reject(e)
      end(e)
    })
    req.end()
  })
  opened.catch(() => undefined)
  return {
    opened,
    received: () => count,
    close() {
      ended = true
      ;(res as IncomingMessage | null)?.destroy()
      ;(req as ClientRequest | null)?.destroy()
    }
  }
}
