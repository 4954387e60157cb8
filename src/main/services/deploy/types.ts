import type { Deployment } from '../../../shared/deploy-models'
import type { StoredRelease } from '../releases'
import type { TransportContext } from '../transport'

/** What the engine pushes while it works: the whole Deployment, re-sent on every change. */
export type DeployEvent = { readonly kind: 'deployment'; readonly deployment: Deployment }

/** What every engine operation needs. */
export interface DeployContext {
  readonly workspacePath: string
  /** The workspace's data folder (bad releases and the deployment history are kept here). */
  readonly dataDir: string
  readonly transport: TransportContext
  /** Who acts: `user@machine`. */
  readonly actor: string
  /** A lock whose heartbeat is older than this is stale; default 10 minutes. */
  readonly lockStaleAfterMs?: number
  readonly onEvent?: (e: DeployEvent) => void
  /**
   * A release of the local store by id, or null: the base a delta upload is made against.
   * Without it every upload sends the whole release.
   */
  readonly findRelease?: (id: string) => Promise<StoredRelease | null>
}
