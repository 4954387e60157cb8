import { z } from 'zod'
import { defineMethods } from './contract-method'
import { PullRequestViewSchema, ReviewVerdictSchema } from './pull-request-models'

/**
 * Methods of the demo workspace, which comes with a team of its own: a local bare origin and
 * a second person, Ben, with his own clone of it. Spread into the one `contract` in contract.ts.
 */
export const demoMethods = defineMethods({
  /**
   * Ben reviews the pull request of `branch` from his own clone: he syncs with the demo's
   * origin, approves (or requests changes on) the branch's tip as himself, and his review is
   * pushed; then this workspace syncs and answers the pull request as it now stands. Only the
   * demo workspace has Ben (`bad-request` elsewhere).
   */
  'demo.review': {
    request: z
      .object({
        branch: z.string().trim().min(1, 'a branch is required').max(250),
        verdict: ReviewVerdictSchema.default('approve')
      })
      .strict(),
    response: PullRequestViewSchema,
    effect: 'change'
  }
})
