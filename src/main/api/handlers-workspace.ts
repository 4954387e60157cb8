import type { workspaceMethods } from '../../shared/contract-workspace'
import { writeStarterConfig } from '../services/workspace'
import type { DomainHandlers, HandlerContext } from './handlers'

/** Handlers of the app and workspace methods (the session itself is the workspace service). */
export function createWorkspaceHandlers(
  ctx: HandlerContext
): DomainHandlers<keyof typeof workspaceMethods> {
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
    }
  }
}
