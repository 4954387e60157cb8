import type { ApiError, ApiResult } from '../../shared/errors'
import type { Workspace } from '../../shared/models'
import {
  createRouter,
  defaultDataDir,
  formatConfigProblem,
  memorySettingsStore,
  type ErrorLog,
  type Router,
  type SettingsStore,
  type ViewerStarter
} from '../api'

/** Exit codes: 0 done, 1 the operation failed, 2 the command line was wrong. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const

/** What the CLI touches outside itself; tests pass their own. */
export interface CliIo {
  readonly cwd: string
  readonly env: NodeJS.ProcessEnv
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
  readonly version: string
  /** The built renderer that `serve` hands out (out/renderer). */
  readonly rendererDir: string
  /** Resolves when `serve` should stop (Ctrl-C, SIGTERM). */
  readonly untilStopped: () => Promise<void>
  /** Where bugs are reported for a data folder (one line to stderr; the stack to a log file). */
  readonly logFor: (dataDir: string) => ErrorLog
  /**
   * Asks a question on the terminal and answers the line typed (null at end of input); absent
   * when stdin is not a terminal (scripts pass --trust instead).
   */
  readonly ask?: (question: string) => Promise<string | null>
}

/** A failure worded for the user (one line, maybe a hint below it), with its exit code. */
export class CliFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failure
  ) {
    super(message)
    this.name = 'CliFailure'
  }
}

/** The exit code of an API error: 2 when the request itself was wrong, else 1. */
export function exitCodeFor(error: ApiError): number {
  return error.code === 'bad-request' || error.code === 'unknown-method' ? EXIT.usage : EXIT.failure
}

/**
 * The value of a router call, or a {@link CliFailure} with the error's first line (or what
 * `explain` makes of it) and its exit code.
 */
export function unwrap<T>(result: ApiResult<T>, explain?: (error: ApiError) => string): T {
  if (result.ok) return result.value
  const message = explain ? explain(result.error) : (result.error.message.split('\n')[0] ?? '')
  throw new CliFailure(message || result.error.code, exitCodeFor(result.error))
}

/** What {@link withRouter} sets up. */
export interface CliRouterOptions {
  readonly dataDir: string | null
  /** Default: in memory, so a one-shot command never rewrites the recent-workspace list. */
  readonly settings?: SettingsStore
  /** Test every branch by itself (serve); one-shot commands test only what they ask. */
  readonly continualTesting?: boolean
  /** Lets the app share a read-only viewer link (serve). */
  readonly shareViewer?: ViewerStarter
}

/**
 * Runs one command over its own router (the same API the app uses): a {@link CliFailure}
 * becomes its line on stderr and its exit code, and the router (with the workspace's
 * services) is disposed before the exit code is answered.
 */
export async function withRouter(
  io: CliIo,
  options: CliRouterOptions,
  run: (router: Router, dataDir: string) => Promise<number>
): Promise<number> {
  const dataDir = options.dataDir ?? defaultDataDir(io.env)
  const router = createRouter({
    host: 'serve',
    version: io.version,
    dataDir,
    settings: options.settings ?? memorySettingsStore(),
    log: io.logFor(dataDir),
    continualTesting: options.continualTesting ?? false,
    ...(options.shareViewer ? { shareViewer: options.shareViewer } : {})
  })
  try {
    return await run(router, dataDir)
  } catch (err) {
    if (err instanceof CliFailure) {
      io.stderr(`slipway: ${err.message}\n`)
      return err.exitCode
    }
    throw err
  } finally {
    await router.dispose()
  }
}

/**
 * Opens `path` and refuses a workspace whose slipway.yml has problems: the config decides the
 * main branch, the ticket pattern, the test command and the environments, and working under
 * silently substituted defaults would print wrong answers.
 */
export async function openStrict(router: Router, path: string): Promise<Workspace> {
  const workspace = unwrap(await router.openWorkspace(path))
  const [problem, ...more] = workspace.configProblems
  if (problem) {
    const extra = more.length
      ? ` (and ${more.length} more problem${more.length > 1 ? 's' : ''})`
      : ''
    throw new CliFailure(`${formatConfigProblem(problem)}${extra}`)
  }
  return workspace
}
