import {
  contract,
  isMethod,
  type AppEvent,
  type Method,
  type RequestOf,
  type ResponseOf
} from '../../shared/contract'
import type { ApiResult } from '../../shared/errors'
import type { AppInfo, Workspace } from '../../shared/models'
import { ensurePrivateDirSync } from '../services/private-files'
import { ensureDemoWorkspace, type SettingsStore } from '../services/workspace'
import { createHandlers } from './handlers'
import { Session } from './session'
import { toApiError, type ErrorLog } from './to-api-error'
import { validateRequest } from './validate-request'
import { ViewerSharing, type ViewerStarter } from './viewer-sharing'
import { homedir } from 'node:os'
import type { FolderPicker } from './handlers-workspace'

/** What a host gives the router. */
export interface RouterDeps {
  readonly host: AppInfo['host']
  readonly version: string
  /** Per-user data folder (settings, the demo workspace). */
  readonly dataDir: string
  readonly settings: SettingsStore
  /** Where bugs are reported with their stack; defaults to stderr. */
  readonly log?: ErrorLog
  /**
   * Test every branch at every new commit once the test service starts (default true: the app
   * and `serve`). One-shot CLI commands pass false: only what they request runs, no fetching.
   */
  readonly continualTesting?: boolean
  /**
   * Starts a read-only viewer server in this process ("Share read-only…"); hosts that serve the
   * renderer give one (serve, the desktop app). Without it `viewer.share` says to use serve.
   */
  readonly shareViewer?: ViewerStarter
  /** The user's home folder: `folders.list` lists nothing outside it (default: os.homedir()). */
  readonly home?: string
  /**
   * The host's own folder dialog (the desktop app's): resolves to the chosen folder, or null when
   * cancelled. Without it `folders.pick` says the picker lists folders instead.
   */
  readonly pickFolder?: FolderPicker
}

/** The one API behind every host: Electron IPC, the `serve` HTTP host and the CLI. */
export interface Router {
  /** Validates and runs one call from an untrusted transport; never throws. */
  invoke(method: string, request: unknown): Promise<ApiResult<unknown>>
  /** Typed {@link Router.invoke} for in-process callers (hosts, CLI). */
  call<M extends Method>(method: M, request: RequestOf<M>): Promise<ApiResult<ResponseOf<M>>>
  /** Subscribes to backend events; returns the unsubscribe function. */
  onEvent(listener: (event: AppEvent) => void): () => void
  /** Opens the workspace at `path` (host start-up, CLI). */
  openWorkspace(path: string): Promise<ApiResult<Workspace>>
  /** Opens the demo workspace, creating it on first use. */
  openDemo(): Promise<ApiResult<Workspace>>
  /** Stops watchers and the workspace's services, drops listeners; resolves once they stopped. */
  dispose(): Promise<void>
}

/** Logs a bug with its stack to stderr. */
export const defaultErrorLog: ErrorLog = (message, err) => {
  const detail = err instanceof Error ? (err.stack ?? err.message) : err === undefined ? '' : err
  console.error(`[slipway] ${message}`, detail)
}

/**
 * Builds the router: method name and request are validated against the shared contract,
 * handlers run over the services, and every failure comes back as an `ApiError`.
 */
export function createRouter(deps: RouterDeps): Router {
  const log = deps.log ?? defaultErrorLog
  const listeners = new Set<(event: AppEvent) => void>()
  const emit = (event: AppEvent): void => {
    for (const listener of [...listeners]) {
      try {
        listener(event)
      } catch (err) {
        log(`event listener failed on ${event.event}`, err)
      }
    }
  }
  try {
    // Test logs, releases, settings and the log file are the user's alone.
    ensurePrivateDirSync(deps.dataDir)
  } catch (err) {
    // Reported where it matters: the first operation that writes there fails with the reason.
    log(`could not make the data folder ${deps.dataDir} private`, err)
  }
  const session = new Session({ settings: deps.settings, emit, log })
  let demo: Promise<string> | null = null
  const demoPath = (): Promise<string> => {
    if (demo) return demo
    const creating = ensureDemoWorkspace(deps.dataDir).catch((err: unknown) => {
      demo = null
      throw err
    })
    demo = creating
    return creating
  }
  let self: Router | null = null
  const viewerSharing = new ViewerSharing(deps.shareViewer ?? null, () => {
    if (!self) throw new Error('the router is not built yet')
    return self
  })
  const handlers = createHandlers({
    session,
    settings: deps.settings,
    host: deps.host,
    version: deps.version,
    demoPath,
    dataDir: deps.dataDir,
    log,
    emit,
    continualTesting: deps.continualTesting ?? true,
    viewerSharing,
    home: deps.home ?? homedir(),
    pickFolder: deps.pickFolder ?? null
  })

  const invoke = async (method: string, request: unknown): Promise<ApiResult<unknown>> => {
    if (!isMethod(method)) {
      const shown = typeof method === 'string' ? method.slice(0, 80) : typeof method
      return {
        ok: false,
        error: {
          code: 'unknown-method',
          message: `Unknown method "${shown}"`,
          details: { method: shown }
        }
      }
    }
    const valid = validateRequest(method, contract[method].request, request)
    if (!valid.ok) return valid
    try {
      // The table is keyed by the same method; TypeScript cannot correlate the two unions.
      const handler = handlers[method] as (req: unknown) => Promise<unknown>
      return { ok: true, value: await handler(valid.value) }
    } catch (err) {
      return { ok: false, error: toApiError(err, log, method) }
    }
  }

  const call = <M extends Method>(
    method: M,
    request: RequestOf<M>
  ): Promise<ApiResult<ResponseOf<M>>> =>
    invoke(method, request) as Promise<ApiResult<ResponseOf<M>>>

  const router: Router = {
    invoke,
    call,
    onEvent(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    openWorkspace: (path) => call('workspace.open', { path }),
    openDemo: () => call('workspace.openDemo', {}),
    async dispose() {
      listeners.clear()
      // The session first: it signals what runs synchronously (the app may quit right after).
      const stopping = session.dispose()
      await Promise.all([stopping, viewerSharing.stop()])
    }
  }
  self = router
  return router
}
