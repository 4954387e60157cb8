import { z } from 'zod'
import {
  BranchEnvLeftoverSchema,
  BranchEnvSchema,
  type BranchEnv,
  type BranchEnvLeftover
} from './branch-env-models'
import { SafeName } from './config-schema'
import { defineMethods, EmptyRequest as Empty } from './contract-method'
import { LogQuerySchema, LogSearchResultSchema } from './log-search'

const EnvId = z.string().min(1, 'an id is required').max(100)

/** The most bytes one `branchEnvs.log` call may read. */
export const MAX_BRANCH_ENV_LOG_WINDOW = 1024 * 1024

/**
 * Branch environments ("Run locally", `slipway run`): any branch, or what an environment runs,
 * started on this machine from its own worktree. Spread into the one `contract` in contract.ts.
 */
export const branchEnvMethods = defineMethods({
  /** Every branch environment of the open workspace (running, starting, failed, stopped). */
  'branchEnvs.list': { request: Empty, response: z.array(BranchEnvSchema), effect: 'read' },
  /**
   * Starts `branch` (or the commit of the release `environment` serves, read from its hosts);
   * answers at once with the environment starting. One already running for it is answered as it is.
   */
  'branchEnvs.start': {
    request: z
      .object({
        branch: z.string().min(1).max(250).optional(),
        environment: SafeName.optional(),
        port: z.number().int().min(1).max(65535).optional()
      })
      .strict()
      .refine(
        (r) => (r.branch === undefined) !== (r.environment === undefined),
        'give a branch or an environment'
      ),
    response: BranchEnvSchema,
    effect: 'change'
  },
  /** Stops one: its whole process group, then its worktree is given back. */
  'branchEnvs.stop': {
    request: z.object({ id: EnvId }).strict(),
    response: BranchEnvSchema,
    effect: 'change'
  },
  /** Stops and starts again at the same commit, on the same port. */
  'branchEnvs.restart': {
    request: z.object({ id: EnvId }).strict(),
    response: BranchEnvSchema,
    effect: 'change'
  },
  /** Restarts a branch's environment on the branch's current tip. */
  'branchEnvs.update': {
    request: z.object({ id: EnvId }).strict(),
    response: BranchEnvSchema,
    effect: 'change'
  },
  /** A window of one environment's log. */
  'branchEnvs.log': {
    request: z
      .object({
        id: EnvId,
        offset: z.number().int().min(0),
        length: z.number().int().min(1).max(MAX_BRANCH_ENV_LOG_WINDOW)
      })
      .strict(),
    response: z.object({ text: z.string(), totalBytes: z.number().int() }),
    effect: 'read'
  },
  /** Searches one environment's whole log: the first matches with their lines and offsets. */
  'branchEnvs.logSearch': {
    request: z.object({ id: EnvId, query: LogQuerySchema }).strict(),
    response: LogSearchResultSchema,
    effect: 'read'
  },
  /** Processes a Slipway that was killed left running (found from its state file). */
  'branchEnvs.leftovers': {
    request: Empty,
    response: z.array(BranchEnvLeftoverSchema),
    effect: 'read'
  },
  /** Ends the leftovers' process groups and removes their worktrees. */
  'branchEnvs.cleanLeftovers': {
    request: Empty,
    response: z.object({ ended: z.number().int() }),
    effect: 'change'
  }
})

/** Events of the branch-environment domain: name → payload. */
export interface BranchEnvEvents {
  /** One environment changed (state, newer tip, log size). */
  'branchEnvs.changed': { readonly env: BranchEnv }
  /** Live output, in order: bytes `[offset, offset + bytes)` of its log. */
  'branchEnvs.log': {
    readonly id: string
    readonly chunk: string
    readonly offset: number
    readonly bytes: number
  }
  /** Leftovers of a killed Slipway were found (or cleaned: an empty list). */
  'branchEnvs.leftovers': { readonly leftovers: readonly BranchEnvLeftover[] }
}
