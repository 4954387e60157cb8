import { z } from 'zod'
import { defineMethods, EmptyRequest as Empty } from './contract-method'
import { AppInfoSchema, RecentWorkspaceSchema, WorkspaceSchema, type Workspace } from './models'

/**
 * App and workspace methods: which host runs, which workspace is open, opening one.
 * Spread into the one `contract` in contract.ts.
 */
export const workspaceMethods = defineMethods({
  /** Version, host kind and the demo workspace's path. */
  'app.info': { request: Empty, response: AppInfoSchema, effect: 'read' },
  /** The open workspace, or null. */
  'workspace.current': { request: Empty, response: WorkspaceSchema.nullable(), effect: 'read' },
  /** Opens the repository at `path` and makes it the open workspace. */
  'workspace.open': {
    request: z.object({ path: z.string().min(1, 'a folder path is required') }).strict(),
    response: WorkspaceSchema,
    effect: 'change'
  },
  /** Opens the demo workspace, creating it on first use. */
  'workspace.openDemo': { request: Empty, response: WorkspaceSchema, effect: 'change' },
  /** Recently opened workspaces, newest first. */
  'workspace.recent': { request: Empty, response: z.array(RecentWorkspaceSchema), effect: 'read' },
  /** Writes a starter slipway.yml into the open workspace and opens it again. */
  'workspace.writeStarterConfig': { request: Empty, response: WorkspaceSchema, effect: 'change' }
})

/** Events of the workspace domain: name → payload. */
export interface WorkspaceEvents {
  /** The open workspace changed (opened, config rewritten). */
  'workspace.changed': { readonly workspace: Workspace | null }
}
