import { z } from 'zod'
import { defineMethods, EmptyRequest } from './contract-method'

/** A ref under refs/slipway* that could not be read, by name, with the reason. */
export const RefProblemSchema = z.object({ ref: z.string(), reason: z.string() })

/** How the last sync ended. */
export const SyncOutcomeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('no-origin') }),
  z.object({
    kind: z.literal('offline'),
    message: z.string(),
    problems: z.array(RefProblemSchema)
  }),
  z.object({
    kind: z.literal('synced'),
    received: z.number().int(),
    merged: z.number().int(),
    pushed: z.number().int(),
    attempts: z.number().int(),
    problems: z.array(RefProblemSchema)
  })
])
export type SyncOutcomeModel = z.output<typeof SyncOutcomeSchema>

/** When origin was last reached, for the Sync indicator. */
export const SyncStatusSchema = z.object({
  lastReachedAt: z.string().nullable(),
  lastAttemptAt: z.string().nullable(),
  last: SyncOutcomeSchema.nullable()
})
export type SyncStatusModel = z.output<typeof SyncStatusSchema>

/** Team-state methods (sync with origin). Spread into the one `contract` in contract.ts. */
export const teamMethods = defineMethods({
  /** Fetches origin's team state and branches, merges, pushes what origin lacks. */
  'team.sync': { request: EmptyRequest, response: SyncStatusSchema, effect: 'change' },
  /** The last sync and when origin was last reached. */
  'team.status': { request: EmptyRequest, response: SyncStatusSchema, effect: 'read' }
})

/** Events of the team domain: name → payload. */
export interface TeamEvents {
  /** A sync ended (by the button, the CLI or the fetch interval). */
  'team.synced': { readonly status: SyncStatusModel }
}
