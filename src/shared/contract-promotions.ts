import { z } from 'zod'
import { SafeName } from './config-schema'
import { defineMethods } from './contract-method'
import { ReleaseIdSchema } from './contract-deploy'
import { DeploymentSchema } from './deploy-models'
import { PromotionSchema, type Promotion } from './promotion-models'

/** What `promotions.promote` did: still waiting (and for what), or deployed with its outcome. */
export const PromoteResultSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('pending'), promotion: PromotionSchema }),
  z.object({
    kind: z.literal('deployed'),
    promotion: PromotionSchema,
    deployment: DeploymentSchema
  })
])
export type PromoteResult = z.output<typeof PromoteResultSchema>

const Target = { release: ReleaseIdSchema, environment: SafeName }

/** Promotion methods (the same release from `promoteFrom` to the next environment). */
export const promotionMethods = defineMethods({
  /** Promotions pending and recent, newest first, with their approvals judged now. */
  'promotions.list': {
    request: z.object({}).strict(),
    response: z.array(PromotionSchema),
    effect: 'read'
  },
  /**
   * What promoting a release would ship (tickets and commits since what the target runs),
   * after checking that it is current and healthy on every host of the source environment.
   * Changes nothing.
   */
  'promotions.preview': {
    request: z.object(Target).strict(),
    response: PromotionSchema,
    effect: 'read'
  },
  /**
   * Requests the promotion (shared with the team as team state), or finds the open one; once
   * its approvals are complete, deploys the same artifact and records the outcome.
   */
  'promotions.promote': {
    request: z
      .object({
        ...Target,
        reason: z.string().max(500).optional(),
        overrideFreeze: z.string().max(500).optional()
      })
      .strict(),
    response: PromoteResultSchema,
    effect: 'change'
  },
  /** Approves the open promotion of a release to an environment (signed when required). */
  'promotions.approve': {
    request: z.object(Target).strict(),
    response: PromotionSchema,
    effect: 'change'
  },
  /**
   * Withdraws the open (not yet deployed) promotion of a release to an environment; only its
   * requester may. Recorded on the promotion, its change ticket and in the ledger.
   */
  'promotions.cancel': {
    request: z.object({ ...Target, reason: z.string().max(500).optional() }).strict(),
    response: PromotionSchema,
    effect: 'change'
  },
  /** Release notes in Markdown: the release's tickets grouped by type. */
  'releases.notes': {
    request: z.object({ release: ReleaseIdSchema }).strict(),
    response: z.object({ release: z.string(), markdown: z.string() }),
    effect: 'read'
  }
})

/** Events of the promotions domain. */
export interface PromotionEvents {
  /** A promotion was requested, approved, deployed or ended (here, or arrived by a sync). */
  readonly 'promotions.changed': { readonly promotion: Promotion | null }
}
