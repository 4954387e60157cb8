import type { AppEvent, Method, ParsedRequestOf, ResponseOf } from '../../shared/contract'
import type { AppInfo } from '../../shared/models'
import { writeStarterConfig, type SettingsStore } from '../services/workspace'
import { createDeployHandlers } from './handlers-deploy'
import { createTestHandlers } from './handlers-test-runs'
import type { Session } from './session'
import type { ErrorLog } from './to-api-error'

/** One handler per contract method; a missing or mistyped method fails to compile. */
export type Handlers = {
  [M in Method]: (request: ParsedRequestOf<M>) => Promise<ResponseOf<M>>
}

/** What the handlers use. */
export interface HandlerContext {
  readonly session: Session
  readonly settings: SettingsStore
  readonly host: AppInfo['host']
  readonly version: string
  /** The demo repository's path (created on first use). */
  readonly demoPath: () => Promise<string>
  /** Per-user data folder; per-workspace data goes under `workspaceDataDir(dataDir, path)`. */
  readonly dataDir: string
  /** Where bugs of background work are reported, with their stack. */
  readonly log: ErrorLog
  /** Pushes an event to every connected client. */
  readonly emit: (event: AppEvent) => void
}

/** The handlers of one domain's methods (see handlers-*.ts). */
export type DomainHandlers<M extends Method> = Pick<Handlers, M>

/** The handler table: thin adapters from validated requests to the services. */
export function createHandlers(ctx: HandlerContext): Handlers {
  const { session, settings } = ctx
  return {
    'app.info': async () => ({
      version: ctx.version,
      host: ctx.host,
      demoPath: await ctx.demoPath()
    }),
    'workspace.current': async () => session.current(),
    'workspace.open': async ({ path }) => session.open(path),
    'workspace.openDemo': async () => session.open(await ctx.demoPath(), { isDemo: true }),
    'workspace.recent': async () => [...settings.get('recentWorkspaces')],
    'workspace.writeStarterConfig': async () => {
      const { workspace } = session.require()
      await writeStarterConfig(workspace.path)
      return session.open(workspace.path, { isDemo: workspace.isDemo })
    },
    'branches.list': async ({ refresh }) => session.listBranches(refresh ?? false),
    'branches.commits': async ({ name, limit }) => session.commitsAhead(name, limit),
    ...createTestHandlers(ctx),
    ...createDeployHandlers(ctx)
  } satisfies Handlers
}
