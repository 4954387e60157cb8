import { z } from 'zod'
import { defineMethods, EmptyRequest as Empty } from './contract-method'
import {
  AppInfoSchema,
  FolderListingSchema,
  RecentWorkspaceSchema,
  WorkspaceSchema,
  type Workspace
} from './models'

/** What the host's folder dialog answered. */
export const FolderPickSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('chosen'), path: z.string() }),
  z.object({ kind: z.literal('cancelled') }),
  z.object({ kind: z.literal('unavailable') })
])
/** One answer of `folders.pick`. */
export type FolderPick = z.output<typeof FolderPickSchema>

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
  /**
   * The folders in `path` (default: the user's home), never outside home: paths that leave it,
   * links leading out of it, files and missing folders are refused. For the picker under serve.
   */
  'folders.list': {
    request: z
      .object({
        path: z.string().min(1).max(4096).optional(),
        showHidden: z.boolean().optional()
      })
      .strict(),
    response: FolderListingSchema,
    effect: 'read'
  },
  /**
   * Asks the desktop app's own folder dialog for a folder: `chosen` with its path, `cancelled`,
   * or `unavailable` where there is no such dialog (serve: its picker lists folders instead).
   */
  'folders.pick': {
    request: z.object({ defaultPath: z.string().min(1).max(4096).optional() }).strict(),
    response: FolderPickSchema,
    effect: 'read'
  },
  /** Writes a starter slipway.yml into the open workspace and opens it again. */
  'workspace.writeStarterConfig': { request: Empty, response: WorkspaceSchema, effect: 'change' }
})

/** Events of the workspace domain: name → payload. */
export interface WorkspaceEvents {
  /** The open workspace changed (opened, config rewritten). */
  'workspace.changed': { readonly workspace: Workspace | null }
}
