import type { workspaceMethods } from '../../shared/contract-workspace'
import { listFolder, writeStarterConfig } from '../services/workspace'
import type { DomainHandlers, HandlerContext } from './handlers'

/** A host's own folder dialog: the chosen folder, or null when the user cancelled. */
export type FolderPicker = (defaultPath?: string) => Promise<string | null>

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
    'folders.list': async ({ path, showHidden }) => listFolder(ctx.home, path, { showHidden }),
    'folders.pick': async ({ defaultPath }) => {
      if (!ctx.pickFolder) return { kind: 'unavailable' as const }
      const path = await ctx.pickFolder(defaultPath)
      return path === null ? { kind: 'cancelled' as const } : { kind: 'chosen' as const, path }
    },
    'workspace.writeStarterConfig': async () => {
      const { workspace } = session.require()
      await writeStarterConfig(workspace.path)
      return session.open(workspace.path, { isDemo: workspace.isDemo })
    }
  }
}
