import { z } from 'zod'
import { defineMethods, EmptyRequest as Empty } from './contract-method'
import { TrustStatusSchema, type TrustStatus } from './trust-models'

/**
 * Workspace trust methods: method → request → response. Spread into the one `contract` in
 * contract.ts.
 */
export const trustMethods = defineMethods({
  /** Whether the open workspace's commands may run, and which commands they are. */
  'trust.status': { request: Empty, response: TrustStatusSchema, effect: 'read' },
  /** Trusts exactly the commands the user was shown (named by their fingerprint). */
  'trust.grant': {
    request: z.object({ fingerprint: z.string().min(1).max(200) }).strict(),
    response: TrustStatusSchema,
    effect: 'change'
  }
})

/** Events of the trust domain: name → payload. */
export interface TrustEvents {
  /** The open workspace's trust changed (granted). */
  'trust.changed': { readonly status: TrustStatus }
}
