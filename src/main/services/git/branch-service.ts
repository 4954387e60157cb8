import type { PrunableBranch, PruneOutcome } from '../../../shared/contract-branches'
import type { BranchListing, Commit } from '../../../shared/models'
import { BranchReader, type BranchReaderOptions } from './branches'
import { branchesWithCommitsBy, gitUserEmail } from './mine'
import { prunableBranches, pruneBranches, restoreBranches } from './prune'

/** The branches with commits by this repository's git identity (the board's "Mine"). */
export interface MyBranches {
  /** `user.email`, or null when git has none (then no branch is mine). */
  readonly email: string | null
  readonly names: readonly string[]
}

/**
 * The branch domain for one open workspace: one {@link BranchReader} (so listing stays
 * incremental) and the last listing, cached until {@link refsMoved} says refs changed.
 */
export class BranchService {
  private readonly reader: BranchReader
  private listing: BranchListing | null = null
  /** Bumped on every ref change; a listing read under an older generation is stale. */
  private generation = 0
  private listingGeneration = -1
  private inflight: Promise<BranchListing> | null = null

  private mineCache: { generation: number; mine: Promise<MyBranches> } | null = null

  constructor(
    private readonly repoPath: string,
    private readonly options: BranchReaderOptions
  ) {
    this.reader = new BranchReader(repoPath, options)
  }

  /** The branches with commits not on main by `user.email`; cached until refs move. */
  mine(): Promise<MyBranches> {
    if (this.mineCache?.generation === this.generation) return this.mineCache.mine
    const generation = this.generation
    const mine = (async (): Promise<MyBranches> => {
      const [email, listing] = await Promise.all([gitUserEmail(this.repoPath), this.list(false)])
      if (email === null) return { email, names: [] }
      const others = listing.branches.filter((b) => !b.isMain)
      const names = await branchesWithCommitsBy(this.repoPath, others, listing.mainSha, email)
      return { email, names }
    })()
    this.mineCache = { generation, mine }
    mine.catch(() => {
      if (this.mineCache?.mine === mine) this.mineCache = null
    })
    return mine
  }

  /** Marks the cached listing stale (the session's ref watcher calls this). */
  refsMoved(): void {
    this.generation++
  }

  /** The branch listing: cached until refs move, or read again on `refresh`. */
  list(refresh: boolean): Promise<BranchListing> {
    if (!refresh && this.listing && this.listingGeneration === this.generation) {
      return Promise.resolve(this.listing)
    }
    if (this.inflight) return this.inflight
    const generation = this.generation
    const reading = this.reader
      .list()
      .then((listing) => {
        this.listing = listing
        this.listingGeneration = generation
        return listing
      })
      .finally(() => {
        this.inflight = null
      })
    this.inflight = reading
    return reading
  }

  /** Commits on branch `name` that are not on main, newest first. */
  commitsAhead(name: string, limit?: number): Promise<Commit[]> {
    return this.reader.commitsAhead(name, limit)
  }

  /** Local branches merged into main that Prune may delete. */
  prunable(): Promise<PrunableBranch[]> {
    return prunableBranches(this.repoPath, this.options.mainBranch)
  }

  /** Deletes merged local branches at the shas given (see {@link pruneBranches}). */
  async prune(asked: readonly { name: string; sha: string }[]): Promise<PruneOutcome> {
    const outcome = await pruneBranches(this.repoPath, this.options.mainBranch, asked)
    if (outcome.done.length > 0) this.refsMoved()
    return outcome
  }

  /** Creates pruned branches again at their shas (Prune's undo). */
  async restore(asked: readonly { name: string; sha: string }[]): Promise<PruneOutcome> {
    const outcome = await restoreBranches(this.repoPath, asked)
    if (outcome.done.length > 0) this.refsMoved()
    return outcome
  }
}
