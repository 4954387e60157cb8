import { z } from 'zod'
import { defineMethods } from './contract-method'
import { BranchListingSchema, CommitSchema } from './models'

/** A local branch merged into main, which Prune may delete (and restore at the same sha). */
export const PrunableBranchSchema = z.object({
  name: z.string(),
  sha: z.string(),
  /** ISO committer date of its tip. */
  date: z.string(),
  subject: z.string(),
  /** True when it points at main's tip itself (no commit of its own yet). */
  atMain: z.boolean()
})
export type PrunableBranch = z.output<typeof PrunableBranchSchema>

/** Branches named with the sha the user saw (Prune deletes only at that sha; restore creates at it). */
const BranchesAtSha = z
  .object({
    branches: z
      .array(
        z
          .object({
            name: z.string().min(1).max(255),
            sha: z.string().regex(/^[0-9a-f]{40}$/, 'a full commit sha')
          })
          .strict()
      )
      .min(1, 'name at least one branch')
      .max(1000)
  })
  .strict()

/** What Prune or its undo did: the branches done (with their shas) and those left, with why. */
export const PruneOutcomeSchema = z.object({
  done: z.array(z.object({ name: z.string(), sha: z.string() })),
  skipped: z.array(z.object({ name: z.string(), reason: z.string() }))
})
export type PruneOutcome = z.output<typeof PruneOutcomeSchema>

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
  },
  /** Local branches merged into main, not checked out anywhere: what Prune offers. */
  'branches.prunable': {
    request: z.object({}).strict(),
    response: z.array(PrunableBranchSchema),
    effect: 'read'
  },
  /**
   * Deletes local merged branches, each only if it is still at the sha given (one transaction);
   * answers what was deleted with its sha (to restore) and what was left, with why.
   */
  'branches.prune': { request: BranchesAtSha, response: PruneOutcomeSchema, effect: 'change' },
  /** Creates branches again at their shas (Prune's undo); never over an existing branch. */
  'branches.restore': { request: BranchesAtSha, response: PruneOutcomeSchema, effect: 'change' }
})

/** Events of the branch domain: name → payload. */
export interface BranchEvents {
  /** Refs moved; the listing should be re-read. */
  'branches.changed': { readonly reason: string }
}
