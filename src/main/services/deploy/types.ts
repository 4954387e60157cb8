import type { Deployment, FreezeOverride, Release } from '../../../shared/deploy-models'
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

/** A lock that was broken on one host: who held it, since when, and why. */
export interface BrokenLock {
  readonly host: string
  readonly holder: string
  readonly machine: string
  readonly since: string
  readonly reason: string
}

/**
 * Told of what the ledger records: each release built, every change of a deployment or
 * rollback (with the reason it was started for), each lock break and freeze override. Must not throw: recording
 * never fails the operation.
 */
export interface DeployRecorder {
  released(release: Release): void
  deployment(deployment: Deployment, reason: string | null): void
  lockBroken(environment: string, broken: readonly BrokenLock[], reason: string): void
  /** A deployment started inside a freeze, with the written reason that overrode it. */
  overrode(environment: string, override: FreezeOverride): void
}
