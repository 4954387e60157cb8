import { z } from 'zod'
import { defineMethods, EmptyRequest as Empty } from './contract-method'

/** A read-only viewer link the app is sharing: a second server of its own, viewer token only. */
export const ViewerShareSchema = z.object({
  /** `http://<address>:<port>/?token=<viewer token>`: what the user gives the room. */
  url: z.string(),
  /** True when it listens on every address (other machines can open it). */
  onNetwork: z.boolean(),
  /** The address in the URL. */
  host: z.string(),
  port: z.number().int(),
  /** ISO time it started. */
  startedAt: z.string()
})
/** See {@link ViewerShareSchema}. */
export type ViewerShare = z.infer<typeof ViewerShareSchema>

/**
 * "Share read-only…": the app starts (and stops) a read-only viewer server in its own process.
 * Spread into the one `contract` in contract.ts. A viewer may call none of these.
 */
export const viewerMethods = defineMethods({
  /** The viewer link being shared, or null. */
  'viewer.current': { request: Empty, response: ViewerShareSchema.nullable(), effect: 'read' },
  /**
   * Starts sharing (or answers the running share): `network` false listens on 127.0.0.1 only,
   * true on every address, for other machines. Asking for the other one restarts it (new link).
   */
  'viewer.share': {
    request: z.object({ network: z.boolean() }).strict(),
    response: ViewerShareSchema,
    effect: 'change'
  },
  /** Stops sharing: the link stops working and every viewer's page loses its connection. */
  'viewer.stop': { request: Empty, response: z.null(), effect: 'change' }
})
