/**
 * The team-state sync of one workspace (the Sync button, `slipway sync`, the fetch interval):
 * one fetch brings origin's team state and origin's branches (so other people's branches and
 * pull requests appear together), key-block logs stay linear, and after a sync that reached
 * origin this clone is given a spare block of ticket numbers for working offline.
 */
import {
  isSequencePath,
  originUrl,
  syncTeamState,
  type SyncOutcome,
  type TeamStateStore
} from '../team-state'

/** Origin's branches, fetched by the same `git fetch` as the team state. */
export const BRANCH_REFSPEC = '+refs/heads/*:refs/remotes/origin/*'

/** When origin was last reached, and how the last sync ended. */
export interface SyncStatus {
  /** ISO time of the last sync that reached origin, or null. */
  readonly lastReachedAt: string | null
  /** ISO time of the last attempt, or null. */
  readonly lastAttemptAt: string | null
  readonly last: SyncOutcome | null
}

/** Told after every sync attempt, whoever made it (the Sync button, a merge, a new ticket). */
export type SyncListener = (status: SyncStatus, outcome: SyncOutcome) => void

/** Syncs one workspace's team state with origin. */
export class TeamSync {
  private running: Promise<SyncOutcome> | null = null
  private readonly listeners = new Set<SyncListener>()
  private status: SyncStatus = { lastReachedAt: null, lastAttemptAt: null, last: null }

  constructor(
    private readonly store: TeamStateStore,
    /** Runs after each sync that reached origin (claims a spare key block). */
    private readonly afterSync: () => Promise<unknown> = async () => undefined,
    private readonly now: () => Date = () => new Date(),
    /** How long one fetch or push may take (`timeouts.fetchSeconds`). */
    private readonly networkTimeoutMs?: number
  ) {}

  /** The last outcome and when origin was last reached. */
  current(): SyncStatus {
    return this.status
  }

  /** Calls `listener` after each sync attempt; returns the unsubscribe. */
  onSynced(listener: SyncListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** True when the repository has an origin. */
  async hasOrigin(): Promise<boolean> {
    return (await originUrl(this.store.repo)) !== null
  }

  /**
   * One full sync, then the after-sync work. Calls while one runs share it (a second fetch
   * right after the first would find nothing new).
   */
  sync(): Promise<SyncOutcome> {
    if (this.running) return this.running
    const run = (async () => {
      const out = await this.syncOnce()
      if (out.kind === 'synced') await this.afterSync()
      return out
    })()
    this.running = run
    void run
      .finally(() => {
        if (this.running === run) this.running = null
      })
      .catch(() => undefined)
    return run
  }

  /** One sync without the after-sync work (what a new key-block claim publishes with). */
  async syncOnce(): Promise<SyncOutcome> {
    const at = this.now().toISOString()
    const out = await syncTeamState(this.store, {
      isLinear: isSequencePath,
      extraRefspecs: [BRANCH_REFSPEC],
      ...(this.networkTimeoutMs !== undefined ? { networkTimeoutMs: this.networkTimeoutMs } : {})
    })
    this.status = {
      lastAttemptAt: at,
      lastReachedAt: out.kind === 'synced' ? at : this.status.lastReachedAt,
      last: out
    }
    for (const listener of this.listeners) listener(this.status, out)
    return out
  }

  /** Publishes local changes; answers whether origin now holds them. */
  async publish(): Promise<boolean> {
    return (await this.syncOnce()).kind === 'synced'
  }
}
