import { z } from 'zod'
import type { ApiResult } from './errors'
import {
  AppInfoSchema,
  BranchListingSchema,
  CommitSchema,
  RecentWorkspaceSchema,
  WorkspaceSchema
} from './models'

import { deployMethods, type DeployEvents } from './contract-deploy'
import { testMethods, type TestEvents } from './contract-tests'

const Empty = z.object({}).strict()

/**
 * The one API contract: method → request schema → response schema. The router, the preload
 * typing and both renderer clients derive from it; add a method here and the compiler lists
 * every place that must implement it.
 */
export const contract = {
  'app.info': { request: Empty, response: AppInfoSchema },
  'workspace.current': { request: Empty, response: WorkspaceSchema.nullable() },
  'workspace.open': {
    request: z.object({ path: z.string().min(1, 'a folder path is required') }).strict(),
    response: WorkspaceSchema
  },
  'workspace.openDemo': { request: Empty, response: WorkspaceSchema },
  'workspace.recent': { request: Empty, response: z.array(RecentWorkspaceSchema) },
  'workspace.writeStarterConfig': { request: Empty, response: WorkspaceSchema },
  'branches.list': {
    request: z.object({ refresh: z.boolean().optional() }).strict(),
    response: BranchListingSchema
  },
  'branches.commits': {
    request: z
      .object({ name: z.string().min(1), limit: z.number().int().min(1).max(1000).optional() })
      .strict(),
    response: z.array(CommitSchema)
  },
  ...testMethods,
  ...deployMethods
} as const

/** Every method name, `domain.verb`. */
export type Method = keyof typeof contract
/** What a caller passes for method M (before defaults). */
export type RequestOf<M extends Method> = z.input<(typeof contract)[M]['request']>
/** What a handler receives for method M (validated, defaults applied). */
export type ParsedRequestOf<M extends Method> = z.output<(typeof contract)[M]['request']>
/** What method M answers. */
export type ResponseOf<M extends Method> = z.output<(typeof contract)[M]['response']>

/** All method names, for allow-lists at transport boundaries. */
export const METHODS = Object.keys(contract) as Method[]

/** True when `name` is a method of the contract (untrusted input from IPC or HTTP). */
export function isMethod(name: unknown): name is Method {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract, name)
}

/** Events of the workspace and branch domains: name → payload. */
export interface CoreEvents {
  /** The open workspace changed (opened, config rewritten). */
  'workspace.changed': { readonly workspace: z.output<typeof WorkspaceSchema> | null }
  /** Refs moved; the listing should be re-read. */
  'branches.changed': { readonly reason: string }
}
/** Events pushed from the backend: name → payload. */
export type EventMap = CoreEvents & TestEvents & DeployEvents
/** Every event name. */
export type EventName = keyof EventMap
/** One event as it travels over a transport. */
export type AppEvent = {
  [E in EventName]: { readonly event: E; readonly payload: EventMap[E] }
}[EventName]

/** The two functions every transport offers the renderer (preload bridge or HTTP client). */
export interface ApiBridge {
  invoke(method: string, request: unknown): Promise<ApiResult<unknown>>
  onEvent(listener: (event: AppEvent) => void): () => void
}
