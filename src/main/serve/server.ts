import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { ApiError, ApiResult } from '../../shared/errors'
import { ExpectedError, type Router } from '../api'
import { EventStreams } from './event-stream'
import { httpStatusFor } from './http-status'
import { hostAllowed, newToken, originAllowed, setSecurityHeaders } from './security'
import { AccessControl, isLoopbackBind, localHost, namesFor, shareHost, urlHost } from './access'
import { serveStatic } from './static-files'
import { readDiagnostics } from './diagnostics'
import { viewerRefusal, viewerValue, type AccessRole } from './viewer-access'
import { isMethod } from '../../shared/contract'

/** Largest request body the API accepts. */
export const MAX_BODY_BYTES = 1024 * 1024

/** Options for {@link startServer}. */
export interface ServeOptions {
  readonly router: Router
  /** 0 (default) picks a free port. */
  readonly port?: number
  /** The built renderer (out/renderer). */
  readonly rendererDir: string
  /** Fixed token (tests); default: 32 fresh random bytes per start. */
  readonly token?: string
  /**
   * Read-only access for other people's browsers: true issues a viewer token of its own (a
   * string fixes it, for tests). Viewers may call reads only, and get filtered events.
   */
  readonly viewer?: boolean | string
  /** The address to listen on; default 127.0.0.1. The full token only works from this machine. */
  readonly host?: string
  /** Where request-handling bugs are reported. */
  readonly log?: (message: string, err?: unknown) => void
}

/** A running `serve` host. */
export interface RunningServer {
  /** `http://127.0.0.1:<port>/?token=<token>`: what the user opens. */
  readonly url: string
  readonly port: number
  readonly token: string
  /** The read-only URL to share (`http://<address>:<port>/?token=<viewer token>`), or null. */
  readonly viewerUrl: string | null
  readonly viewerToken: string | null
  /** The address it listens on (127.0.0.1 unless `host` named another). */
  readonly host: string
  /** True when it listens on an address other machines can reach (not loopback). */
  readonly onNetwork: boolean
  /**
   * A fresh one-time URL (`/?once=…`, usable once within two minutes) for opening a browser
   * without the token on any command line.
   */
  oneTimeUrl(): string
  /** Ends event streams and open connections, then stops listening. */
  close(): Promise<void>
}

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    readonly error: ApiError
  ) {
    super(error.message)
  }
}

/**
 * Serves the router over HTTP on 127.0.0.1 (or `host`): `POST /api/invoke/<method>` and
 * `GET /api/events` (Server-Sent Events), authorized by the bearer token or by the session
 * cookie a browser gets for `/?token=` or a one-time `/?once=` link, and the built renderer
 * for everything else. Rejects foreign Host headers (DNS rebinding) and foreign Origins. A
 * viewer token (`viewer`) gets reads only (403 for every `change` method) and filtered events.
 */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const token = options.token ?? newToken()
  const viewerToken =
    typeof options.viewer === 'string' ? options.viewer : options.viewer ? newToken() : null
  const bind = options.host ?? '127.0.0.1'
  const names = namesFor(bind)
  const log = options.log ?? ((m, e) => console.error(`[slipway serve] ${m}`, e ?? ''))
  const streams = new EventStreams()
  let port = 0
  let access = new AccessControl({ full: token, viewer: viewerToken }, port, names)

  // Timeouts are enforced on this interval (Node's default is 30 s).
  const server = createServer({ connectionsCheckingInterval: 1_000 }, (req, res) => {
    handle(req, res).catch((err: unknown) => {
      // Never the query: it can carry a token.
      log(`request ${req.method} ${pathOf(req.url)} failed`, err)
      if (!res.headersSent) {
        sendResult(res, 500, {
          ok: false,
          error: { code: 'internal', message: 'Internal error; see the Slipway log.' }
        })
      } else {
        res.destroy()
      }
    })
  })

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    setSecurityHeaders(res)
    const url = requestUrl(req.url, port)
    if (!url) {
      // Answered before anything else looks at it, and never logged.
      res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' })
      res.end('Bad request target.\n')
      return
    }
    if (!hostAllowed(req.headers.host, port, names)) {
      res.writeHead(421, { 'Content-Type': 'text/plain; charset=utf-8' })
      res.end(`This server only answers to ${names.join(', ')}.\n`)
      return
    }
    const path = url.pathname
    if (path === '/api' || path.startsWith('/api/')) {
      try {
        await handleApi(req, res, url)
      } catch (err) {
        if (!(err instanceof HttpFailure)) throw err
        if (!req.complete) {
          // A refused or oversized body is drained and discarded, and the connection not reused.
          res.setHeader('Connection', 'close')
          req.resume()
        }
        sendResult(res, err.status, { ok: false, error: err.error })
      }
      return
    }
    if (req.method === 'GET' || req.method === 'HEAD') {
      const login = access.login(url, req)
      if (login.kind === 'accepted') {
        res.writeHead(303, {
          Location: login.location,
          'Set-Cookie': login.cookie,
          'Cache-Control': 'no-store'
        })
        res.end()
        return
      }
      if (login.kind === 'refused') {
        res.writeHead(401, {
          'Content-Type': 'text/plain; charset=utf-8',
          'Cache-Control': 'no-store'
        })
        res.end(`${login.reason} Open the URL that \`slipway serve\` printed.\n`)
        return
      }
    }
    await serveStatic(req, res, options.rendererDir, path)
  }

  const handleApi = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    if (!originAllowed(req.headers.origin, port, names)) {
      throw new HttpFailure(403, {
        code: 'unauthorized',
        message: 'Cross-origin requests are refused'
      })
    }
    if (url.pathname === '/api/events') {
      if (req.method !== 'GET') throw methodNotAllowed('GET')
      const role = access.roleOf(req, url.searchParams.get('token'))
      if (!role) throw unauthorized()
      streams.add(res, role)
      return
    }
    if (url.pathname === '/api/session') {
      // Tells the page whether it is a viewer (presentation mode only) or the user.
      if (req.method !== 'GET') throw methodNotAllowed('GET')
      const role = access.roleOf(req)
      if (!role) throw unauthorized()
      sendResult(res, 200, { ok: true, value: { role } })
      return
    }
    if (url.pathname === '/api/diagnostics') {
      // Memory and resources of this process: the full role only (this machine's user).
      if (req.method !== 'GET') throw methodNotAllowed('GET')
      const role = access.roleOf(req)
      if (!role) throw unauthorized()
      if (role !== 'full') {
        throw new HttpFailure(403, {
          code: 'forbidden',
          message: 'Diagnostics are not for viewers'
        })
      }
      sendResult(res, 200, {
        ok: true,
        value: readDiagnostics(url.searchParams.get('gc') === '1', streams.size)
      })
      return
    }
    const prefix = '/api/invoke/'
    if (!url.pathname.startsWith(prefix)) {
      throw new HttpFailure(404, { code: 'not-found', message: `No API at ${url.pathname}` })
    }
    if (req.method !== 'POST') throw methodNotAllowed('POST')
    const role: AccessRole | null = access.roleOf(req)
    if (!role) throw unauthorized()
    let method: string
    try {
      method = decodeURIComponent(url.pathname.slice(prefix.length))
    } catch {
      throw badRequest('The method name is not valid URL encoding')
    }
    const refusal = role === 'viewer' ? viewerRefusal(method) : null
    // Refused before the body is read or the router sees anything.
    if (refusal !== null) throw new HttpFailure(403, { code: 'forbidden', message: refusal })
    const request = parseJson(await readBody(req))
    const result = await options.router.invoke(method, request)
    const shown =
      role === 'viewer' && result.ok && isMethod(method)
        ? { ok: true as const, value: viewerValue(method, result.value) }
        : result
    sendResult(res, result.ok ? 200 : httpStatusFor(result.error.code), shown)
  }

  applyTimeouts(server)
  const unsubscribe = options.router.onEvent((event) => streams.send(event))

  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      unsubscribe()
      streams.close()
      reject(
        err.code === 'EADDRINUSE'
          ? new ExpectedError('conflict', `Port ${options.port} is already in use`, {
              port: options.port
            })
          : err.code === 'EACCES'
            ? new ExpectedError('conflict', `Not allowed to listen on port ${options.port}`, {
                port: options.port
              })
            : err
      )
    }
    server.once('error', onError)
    server.listen({ host: bind, port: options.port ?? 0 }, () => {
      server.off('error', onError)
      resolve()
    })
  })
  port = (server.address() as AddressInfo).port
  access = new AccessControl({ full: token, viewer: viewerToken }, port, names)

  let closing: Promise<void> | null = null
  return {
    url: `http://${localHost(bind)}:${port}/?token=${token}`,
    port,
    token,
    viewerUrl:
      viewerToken === null ? null : `http://${shareHost(bind)}:${port}/?token=${viewerToken}`,
    viewerToken,
    host: urlHost(bind),
    onNetwork: !isLoopbackBind(bind),
    oneTimeUrl: () => `http://${localHost(bind)}:${port}/?once=${access.issueOneTimeCode()}`,
    close() {
      closing ??= new Promise<void>((resolve) => {
        unsubscribe()
        streams.close()
        server.close(() => resolve())
        server.closeAllConnections()
      })
      return closing
    }
  }
}

function sendResult(res: ServerResponse, status: number, result: ApiResult<unknown>): void {
  const body = JSON.stringify(result)
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    'Cache-Control': 'no-store'
  })
  res.end(body)
}

function unauthorized(): HttpFailure {
  return new HttpFailure(401, {
    code: 'unauthorized',
    message: 'Missing or wrong token; open the URL that `slipway serve` printed'
  })
}

function badRequest(message: string): HttpFailure {
  return new HttpFailure(400, { code: 'bad-request', message })
}

function methodNotAllowed(allowed: string): HttpFailure {
  return new HttpFailure(405, { code: 'bad-request', message: `Use ${allowed} here` })
}

function readBody(req: IncomingMessage): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0)
  if (declared > MAX_BODY_BYTES) return Promise.reject(tooLarge())
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY_BYTES) {
        req.pause()
        reject(tooLarge())
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

function tooLarge(): HttpFailure {
  return new HttpFailure(413, {
    code: 'bad-request',
    message: `The request body is larger than ${MAX_BODY_BYTES} bytes`
  })
}

function parseJson(body: string): unknown {
  if (body.trim() === '') return {}
  try {
    return JSON.parse(body) as unknown
  } catch {
    throw badRequest('The request body is not valid JSON')
  }
}

/** Explicit limits rather than Node's defaults, which change between versions. */
export const SERVER_TIMEOUTS = {
  /** A client has this long to send its request headers. */
  headersMs: 10_000,
  /** ... and this long for the whole request (headers and body). */
  requestMs: 30_000,
  /** An idle kept-alive connection is closed after this long. */
  keepAliveMs: 5_000
} as const

function applyTimeouts(server: Server): void {
  server.headersTimeout = SERVER_TIMEOUTS.headersMs
  server.requestTimeout = SERVER_TIMEOUTS.requestMs
  server.keepAliveTimeout = SERVER_TIMEOUTS.keepAliveMs
  // No idle timeout on sockets with a request in progress: an API call answers when its
  // operation is done (a release build takes minutes) and event streams ping every 25 s.
  server.timeout = 0
  server.maxHeadersCount = 64
  server.maxRequestsPerSocket = 1_000
}

/**
 * The URL of a request target in origin form (`/path?query`), or null for anything else: an
 * absolute URL, `*`, a path starting `//` (`new URL` reads `//a:99999/x` as a host and port),
 * or one `new URL` rejects.
 */
export function requestUrl(target: string | undefined, port: number): URL | null {
  if (!target || !target.startsWith('/') || target.startsWith('//')) return null
  try {
    return new URL(`http://127.0.0.1:${port}${target}`)
  } catch {
    return null
  }
}

/** A request target without its query string, for logs. */
export function pathOf(target: string | undefined): string {
  const path = (target ?? '').split('?')[0] ?? ''
  return path.length > 200 ? `${path.slice(0, 200)}…` : path
}
