import type { ApiBridge, ApiResult, AppEvent } from '../../../shared'

/** What the HTTP transport needs; the browser globals are the defaults, tests pass their own. */
export interface HttpTransportOptions {
  /** Origin of the `serve` host, e.g. `http://127.0.0.1:5123`; empty means this page's origin. */
  readonly baseUrl?: string
  /**
   * A bearer token, for clients outside the served page. The page itself has none: `serve`
   * signed the browser in with an HttpOnly cookie when it opened the printed or one-time link.
   */
  readonly token?: string
  readonly fetch?: typeof fetch
  readonly EventSource?: typeof EventSource
  /** First reconnect delay after the event stream fails; doubles up to {@link maxRetryMs}. */
  readonly retryMs?: number
  readonly maxRetryMs?: number
}

/** The HTTP transport: the two bridge functions, plus word of an event stream that came back. */
export interface HttpTransport extends ApiBridge {
  /**
   * Calls `listener` each time the event stream reopens after a failure; events sent while it
   * was down are lost, so listeners re-read what they show.
   */
  onReconnect(listener: () => void): () => void
}

/**
 * The browser transport for `serve`: `POST /api/invoke/<method>` (the session cookie, or a
 * bearer token), and one
 * server-sent-events stream at `/api/events`, opened while someone listens and reopened with
 * backoff when it fails (EventSource gives up for good on a non-stream answer such as a restart).
 */
export function createHttpTransport(options: HttpTransportOptions): HttpTransport {
  const base = (options.baseUrl ?? '').replace(/\/+$/, '')
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis)
  const EventSourceImpl = options.EventSource ?? globalThis.EventSource
  const firstRetry = options.retryMs ?? 1_000
  const maxRetry = options.maxRetryMs ?? 30_000

  const listeners = new Set<(event: AppEvent) => void>()
  const reconnectListeners = new Set<() => void>()
  let failed = false
  let source: EventSource | null = null
  let retryTimer: ReturnType<typeof setTimeout> | null = null
  let retryDelay = firstRetry

  const open = (): void => {
    const query = options.token ? `?token=${encodeURIComponent(options.token)}` : ''
    const es = new EventSourceImpl(`${base}/api/events${query}`)
    source = es
    es.onopen = () => {
      retryDelay = firstRetry
      if (!failed) return
      failed = false
      for (const listener of [...reconnectListeners]) listener()
    }
    es.onmessage = (message: MessageEvent) => {
      const event = parseEvent(message.data)
      if (!event) return
      for (const listener of [...listeners]) listener(event)
    }
    es.onerror = () => {
      es.close()
      if (source !== es) return
      source = null
      failed = true
      if (listeners.size === 0) return
      retryTimer = setTimeout(() => {
        retryTimer = null
        if (listeners.size > 0 && !source) open()
      }, retryDelay)
      retryDelay = Math.min(retryDelay * 2, maxRetry)
    }
  }

  const close = (): void => {
    if (retryTimer) clearTimeout(retryTimer)
    retryTimer = null
    source?.close()
    source = null
    retryDelay = firstRetry
    failed = false
  }

  return {
    async invoke(method, request): Promise<ApiResult<unknown>> {
      let response: Response
      try {
        response = await doFetch(`${base}/api/invoke/${encodeURIComponent(method)}`, {
          method: 'POST',
          credentials: 'same-origin',
          headers: {
            'Content-Type': 'application/json',
            ...(options.token ? { Authorization: `Bearer ${options.token}` } : {})
          },
          body: JSON.stringify(request ?? {})
        })
      } catch {
        return failure(
          `Cannot reach the Slipway server${base ? ` at ${base}` : ''}; is it running?`
        )
      }
      let body: unknown
      try {
        body = await response.json()
      } catch {
        return failure(
          `The Slipway server answered ${method} with HTTP ${response.status} and no result.`
        )
      }
      if (typeof body === 'object' && body !== null && 'ok' in body)
        return body as ApiResult<unknown>
      return failure(
        `The Slipway server answered ${method} with HTTP ${response.status} and no result.`
      )
    },
    onEvent(listener) {
      listeners.add(listener)
      if (!source && !retryTimer) open()
      return () => {
        listeners.delete(listener)
        if (listeners.size === 0) close()
      }
    },
    onReconnect(listener) {
      reconnectListeners.add(listener)
      return () => reconnectListeners.delete(listener)
    }
  }
}

function failure(message: string): ApiResult<never> {
  return { ok: false, error: { code: 'internal', message } }
}

function parseEvent(data: unknown): AppEvent | null {
  if (typeof data !== 'string') return null
  try {
    const value: unknown = JSON.parse(data)
    if (typeof value !== 'object' || value === null) return null
    const v = value as { event?: unknown; payload?: unknown }
    if (typeof v.event !== 'string' || typeof v.payload !== 'object' || v.payload === null) {
      return null
    }
    return value as AppEvent
  } catch {
    return null
  }
}
