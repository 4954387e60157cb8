import type { BranchListing, Commit } from '../../../shared/models'
import { BranchReader, type BranchReaderOptions } from './branches'

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

  constructor(repoPath: string, options: BranchReaderOptions) {
    this.reader = new BranchReader(repoPath, options)
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
}
