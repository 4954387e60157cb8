import { z } from 'zod'
import { defineMethods } from './contract-method'
import { LedgerFilterSchema, LedgerRecordSchema, LedgerVerifySchema } from './ledger-models'

/**
 * Ledger methods: the history of releases, deployments, promotions, approvals, overrides,
 * rollbacks, locks and lock breaks, kept as team state under `refs/slipway/ledger`. Spread
 * into the one `contract` in contract.ts.
 */
export const ledgerMethods = defineMethods({
  /** The entries, newest first, filtered by environment, ticket, person, outcome and kind. */
  'ledger.list': {
    request: LedgerFilterSchema.extend({
      limit: z.number().int().positive().max(100_000).optional()
    }).strict(),
    response: z.array(LedgerRecordSchema),
    effect: 'read'
  },
  /**
   * Checks the chain, every entry's schema, rewrites since this clone last verified and the
   * recorded deployments against their hosts' logs; remembers the tip it verified.
   */
  'ledger.verify': {
    request: z
      .object({
        /** Take the ledger as it is as the new baseline even though a rewrite was found. */
        accept: z.boolean().optional(),
        /** Also compare recorded deployments with the hosts' own logs (default true). */
        hosts: z.boolean().optional()
      })
      .strict(),
    response: LedgerVerifySchema,
    effect: 'change'
  },
  /** The whole ledger (oldest first), filtered, as JSON or CSV text for a file. */
  'ledger.export': {
    request: LedgerFilterSchema.extend({
      format: z.enum(['json', 'csv']).default('json')
    }).strict(),
    response: z.object({ format: z.enum(['json', 'csv']), text: z.string(), entries: z.number() }),
    effect: 'read'
  }
})

/** Events of the ledger domain: name → payload. */
export interface LedgerEvents {
  /** An entry was appended here, or appending one failed (the operation itself went on). */
  'ledger.changed':
    | { readonly kind: 'appended'; readonly summary: string }
    | { readonly kind: 'append-failed'; readonly message: string }
}
