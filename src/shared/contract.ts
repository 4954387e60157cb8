import type { z } from 'zod'
import { branchEnvMethods, type BranchEnvEvents } from './contract-branch-envs'
import { branchMethods, type BranchEvents } from './contract-branches'
import { deployMethods, type DeployEvents } from './contract-deploy'
import { demoMethods } from './contract-demo'
import { ledgerMethods, type LedgerEvents } from './contract-ledger'
import { mergeReleaseMethods, type MergeReleaseEvents } from './contract-merge-release'
import type { MethodEffect, MethodSpec } from './contract-method'
import { promotionMethods, type PromotionEvents } from './contract-promotions'
import { pullRequestMethods, type PullRequestEvents } from './contract-pull-requests'
import { teamMethods, type TeamEvents } from './contract-team'
import { testMethods, type TestEvents } from './contract-test-runs'
import { ticketMethods, type TicketEvents } from './contract-tickets'
import { trustMethods, type TrustEvents } from './contract-trust'
import { viewerMethods } from './contract-viewer'
import { workspaceMethods, type WorkspaceEvents } from './contract-workspace'
import type { ApiResult } from './errors'

/**
 * The one API contract: method → request schema → response schema → effect. Each domain
 * declares its methods in `contract-<domain>.ts`; they are spread here. The router, the
 * preload typing and both renderer clients derive from it; add a method to a domain's file
 * and the compiler lists every place that must implement it.
 */
export const contract = {
  ...workspaceMethods,
  ...branchMethods,
  ...testMethods,
  ...trustMethods,
  ...deployMethods,
  ...mergeReleaseMethods,
  ...teamMethods,
  ...ticketMethods,
  ...pullRequestMethods,
  ...promotionMethods,
  ...demoMethods,
  ...branchEnvMethods,
  ...ledgerMethods,
  ...viewerMethods
} as const satisfies Record<string, MethodSpec>

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

/** Whether method M only reads or changes something. */
export function effectOf(method: Method): MethodEffect {
  return contract[method].effect
}

/** True when `name` is a method of the contract (untrusted input from IPC or HTTP). */
export function isMethod(name: unknown): name is Method {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract, name)
}

/** Events pushed from the backend: name → payload (each domain declares its own). */
export type EventMap = WorkspaceEvents &
  BranchEvents &
  TestEvents &
  TrustEvents &
  DeployEvents &
  MergeReleaseEvents &
  TeamEvents &
  TicketEvents &
  PullRequestEvents &
  BranchEnvEvents &
  LedgerEvents &
  PromotionEvents
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
