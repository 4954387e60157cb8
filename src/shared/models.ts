import { z } from 'zod'
import { SlipwayConfigSchema } from './config-schema'

/** One commit as the board shows it. */
export const CommitSchema = z.object({
  sha: z.string(),
  subject: z.string(),
  author: z.string(),
  date: z.string(),
  tickets: z.array(z.string())
})
export type Commit = z.output<typeof CommitSchema>

/** A branch: local (`refs/heads/x`) or origin's (`refs/remotes/origin/x`). */
export const BranchSchema = z.object({
  /** Short name as the user knows it: `feature/ORD-1`, or `origin/feature/ORD-1`. */
  name: z.string(),
  /** Full ref: `refs/heads/...` or `refs/remotes/origin/...`. */
  ref: z.string(),
  kind: z.enum(['local', 'remote']),
  sha: z.string(),
  subject: z.string(),
  author: z.string(),
  /** ISO 8601 committer date of the tip. */
  date: z.string(),
  /** Commits on this branch not on main. */
  ahead: z.number().int(),
  /** Commits on main not on this branch. */
  behind: z.number().int(),
  /** Ticket keys found in the branch name and its commits ahead of main, first seen first. */
  tickets: z.array(z.string()),
  isMain: z.boolean()
})
export type Branch = z.output<typeof BranchSchema>

/** The branch listing for a workspace at one moment. */
export const BranchListingSchema = z.object({
  mainBranch: z.string(),
  /** Tip of main, or null when the main branch does not exist yet. */
  mainSha: z.string().nullable(),
  branches: z.array(BranchSchema),
  /** ISO time the listing was read. */
  readAt: z.string(),
  /** How long reading took, in milliseconds. */
  tookMs: z.number()
})
export type BranchListing = z.output<typeof BranchListingSchema>

/** A problem in `slipway.yml`, located for the user. */
export const ConfigProblemSchema = z.object({
  file: z.string(),
  line: z.number().int().nullable(),
  column: z.number().int().nullable(),
  message: z.string()
})
export type ConfigProblem = z.output<typeof ConfigProblemSchema>

/** Where the effective config came from. */
export const ConfigSourceSchema = z.enum(['file', 'defaults'])

/** An open workspace: one git repository plus its effective config. */
export const WorkspaceSchema = z.object({
  path: z.string(),
  name: z.string(),
  isDemo: z.boolean(),
  config: SlipwayConfigSchema,
  /** The resolved main branch (config, else origin's HEAD, else main/master). */
  mainBranch: z.string(),
  configSource: ConfigSourceSchema,
  /** Problems in slipway.yml; when present the defaults are in effect. */
  configProblems: z.array(ConfigProblemSchema)
})
export type Workspace = z.output<typeof WorkspaceSchema>

/** A recently opened workspace. */
export const RecentWorkspaceSchema = z.object({
  path: z.string(),
  name: z.string(),
  openedAt: z.string()
})
export type RecentWorkspace = z.output<typeof RecentWorkspaceSchema>

/** One folder of a {@link FolderListing}. */
export const FolderEntrySchema = z.object({
  name: z.string(),
  /** Absolute path (a link inside home keeps its own path). */
  path: z.string(),
  /** The name starts with a dot. */
  hidden: z.boolean(),
  /** It holds `.git` (a repository, worktree or submodule). */
  isRepository: z.boolean()
})
export type FolderEntry = z.output<typeof FolderEntrySchema>

/** The folders in one folder under the user's home, for the workspace picker under `serve`. */
export const FolderListingSchema = z.object({
  /** The listed folder, its real path. */
  path: z.string(),
  /** The user's home folder (its real path): nothing above it is listed. */
  home: z.string(),
  /** The folder above, or null at home. */
  parent: z.string().nullable(),
  /** The listed folder is itself a git repository. */
  isRepository: z.boolean(),
  /** Folders, by name (hidden ones only when asked for). */
  entries: z.array(FolderEntrySchema),
  /** Hidden folders left out. */
  hiddenCount: z.number(),
  /** Folders beyond the listing's limit, not listed. */
  more: z.number()
})
export type FolderListing = z.output<typeof FolderListingSchema>

/** Which host serves the API: the desktop app or the `serve` HTTP host. */
export const AppInfoSchema = z.object({
  version: z.string(),
  host: z.enum(['electron', 'serve']),
  demoPath: z.string()
})
export type AppInfo = z.output<typeof AppInfoSchema>
