import { z } from 'zod'
import { SafeName } from './config-schema'
import { ReleaseIdSchema } from './contract-deploy'
import { defineMethods } from './contract-method'
import { PromotionSchema } from './promotion-models'
import { PullRequestViewSchema, ReviewVerdictSchema } from './pull-request-models'

/**
 * Methods of the demo workspace, which comes with a team of its own: a local bare origin, a
 * second person, Ben, and a release approver, Priya, each with their own clone of it. Spread
 * into the one `contract` in contract.ts.
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
  },
  /**
   * Priya, the demo's release approver (she authored none of its commits), approves the open
   * promotion of `release` to `environment` from her own clone: she syncs with the demo's
   * origin, approves as herself under the same rules as anyone (never the requester, never an
   * author of what ships), and her approval is pushed; then this workspace syncs. Answers the
   * promotion as it now stands. Only the demo workspace has Priya (`bad-request` elsewhere).
   */
  'demo.approvePromotion': {
    request: z.object({ release: ReleaseIdSchema, environment: SafeName }).strict(),
    response: PromotionSchema,
    effect: 'change'
  }
})
