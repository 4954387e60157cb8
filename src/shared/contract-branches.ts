import { z } from 'zod'
import { defineMethods } from './contract-method'
import { BranchListingSchema, CommitSchema } from './models'

/**
 * Branch methods: the listing the board shows and a branch's own commits.
 * Spread into the one `contract` in contract.ts.
 */
export const branchMethods = defineMethods({
  /** Every branch with its ticket, tip and ahead/behind main; cached until refs move. */
  'branches.list': {
    request: z.object({ refresh: z.boolean().optional() }).strict(),
    response: BranchListingSchema,
    effect: 'read'
  },
  /** Commits on a branch that are not on main, newest first. */
  'branches.commits': {
    request: z
      .object({ name: z.string().min(1), limit: z.number().int().min(1).max(1000).optional() })
      .strict(),
    response: z.array(CommitSchema),
    effect: 'read'
  },
  /**
   * The branches with commits not on main by this repository's git identity (`user.email`):
   * the board's "Mine" filter and the notifications about my branches.
   */
  'branches.mine': {
    request: z.object({}).strict(),
    response: z.object({ email: z.string().nullable(), names: z.array(z.string()) }),
    effect: 'read'
  }
})

/** Events of the branch domain: name → payload. */
export interface BranchEvents {
  /** Refs moved; the listing should be re-read. */
  'branches.changed': { readonly reason: string }
}
