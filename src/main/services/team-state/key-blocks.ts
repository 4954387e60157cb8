/**
 * Collision-free numbers (ticket keys) for clones that may be offline. Numbers are handed out
 * in blocks: a clone claims a block by appending `sequence.claim` to the linear log
 * `refs/slipway/sequences/<name>`, which the sync never merges but replays on origin's tip,
 * so origin holds one chain of claims and block i of that chain is
 * `[start + i·size, start + (i+1)·size)` on every clone. A clone draws numbers only from its
 * own blocks, so two clones offline never draw the same number as long as each claimed its
 * block while online (each sync keeps one spare). A block claimed offline is tentative until
 * a sync puts it on origin; if another clone claimed that place first, the replay moves it
 * to the next free place (see `tickets` for what that does to a key drawn from it).
 */
import { randomBytes } from 'node:crypto'
import type { Operation } from './commit-cache'
import { remoteRef } from './ref-names'
import type { TeamStateStore } from './store'

/** A claimed block: numbers `start` … `end - 1`, owned by one replica. */
export interface KeyBlock {
  readonly start: number
  readonly end: number
  readonly replica: string
  /** The claim is on origin (or there is no origin): its place can no longer move. */
  readonly confirmed: boolean
  readonly claim: string
  /**
   * The claim's own random id: unlike the commit id it survives the replay that moves a
   * tentative claim, so a number drawn from the block can be found again after the move.
   */
  readonly nonce: string | null
}

/** A number drawn for this clone: where it comes from, so a moved block moves it too. */
export interface DrawnNumber {
  readonly number: number
  readonly confirmed: boolean
  /** The block's nonce, and the number's place in the block. */
  readonly block: string | null
  readonly offset: number
}

/** The path of a sequence's log. */
export function sequencePath(name: string): string {
  return `sequences/${name}`
}

/** True for paths whose logs the sync keeps linear. */
export function isSequencePath(path: string): boolean {
  return path.startsWith('sequences/')
}

/**
 * The blocks of a sequence log, in fold order (the chain order): the first claim's `start`
 * opens the sequence, every claim takes the next `size` numbers.
 */
export function assignBlocks(
  ops: readonly Operation[],
  isConfirmed: (sha: string) => boolean
): KeyBlock[] {
  const blocks: KeyBlock[] = []
  let cursor = 0
  for (const op of ops) {
    if (op.type !== 'sequence.claim') continue
    const size = Number(op.data.size)
    const replica = op.data.replica
    if (!Number.isSafeInteger(size) || size < 1 || size > 10_000 || typeof replica !== 'string') {
      continue
    }
    if (blocks.length === 0) {
      const start = Number(op.data.start)
      cursor = Number.isSafeInteger(start) && start >= 1 ? start : 1
    }
    blocks.push({
      start: cursor,
      end: cursor + size,
      replica,
      confirmed: isConfirmed(op.sha),
      claim: op.sha,
      nonce: typeof op.data.nonce === 'string' ? op.data.nonce : null
    })
    cursor += size
  }
  return blocks
}

/** Options of a {@link KeySequence}. */
export interface KeySequenceOptions {
  /** Numbers per claimed block. */
  readonly blockSize: number
  /** Where a brand-new sequence starts (e.g. past the keys already used in branch names). */
  readonly firstNumber: () => Promise<number> | number
  /** Pushes a new claim to origin; answers false when offline or without origin. */
  readonly publish: () => Promise<boolean>
  /** True when the repository has an origin (else every claim is final at once). */
  readonly hasOrigin: () => Promise<boolean>
}

/** Draws numbers of one sequence for this clone. */
export class KeySequence {
  constructor(
    private readonly store: TeamStateStore,
    readonly name: string,
    private readonly options: KeySequenceOptions
  ) {}

  /** Every block of the sequence as this clone sees it now. */
  async blocks(): Promise<KeyBlock[]> {
    const path = sequencePath(this.name)
    const log = await this.store.entity(path)
    if (!log) return []
    const hasOrigin = await this.options.hasOrigin()
    const refs = hasOrigin ? await this.store.readRefs() : null
    const onOrigin = refs?.remote.get(path) ?? null
    if (onOrigin) await this.store.load([onOrigin])
    const confirmed = (sha: string): boolean =>
      !hasOrigin || (onOrigin !== null && this.store.commits.isAncestor(sha, onOrigin))
    return assignBlocks(log.ops, confirmed)
  }

  /**
   * The smallest number of this clone's blocks not in `taken`, claiming a block first when
   * none is left (published at once when origin answers, else tentative).
   */
  async next(taken: ReadonlySet<number>): Promise<DrawnNumber> {
    const found = this.free(await this.blocks(), await this.store.local.replicaId(), taken)
    if (found) return found
    await this.claim()
    const again = this.free(await this.blocks(), await this.store.local.replicaId(), taken)
    if (!again) throw new Error(`claimed a block of ${this.name} but found no number in it`)
    return again
  }

  /** Claims a block when this clone has no free number left (run after each sync, online). */
  async ensureSpare(taken: ReadonlySet<number>): Promise<boolean> {
    if (this.free(await this.blocks(), await this.store.local.replicaId(), taken)) return false
    await this.claim()
    return true
  }

  private async claim(): Promise<void> {
    const path = sequencePath(this.name)
    const exists = (await this.store.entity(path)) !== null
    const data: Record<string, unknown> = {
      replica: await this.store.local.replicaId(),
      size: this.options.blockSize,
      nonce: randomBytes(8).toString('hex')
    }
    if (!exists) data.start = await this.options.firstNumber()
    await this.store.append({
      path,
      type: 'sequence.claim',
      data,
      summary: `Claim ${this.options.blockSize} numbers of ${this.name}`,
      mode: 'upsert'
    })
    await this.options.publish()
  }

  private free(
    blocks: readonly KeyBlock[],
    replica: string,
    taken: ReadonlySet<number>
  ): DrawnNumber | null {
    for (const b of blocks) {
      if (b.replica !== replica) continue
      for (let n = b.start; n < b.end; n += 1) {
        if (!taken.has(n)) {
          return { number: n, confirmed: b.confirmed, block: b.nonce, offset: n - b.start }
        }
      }
    }
    return null
  }
}

/** The remote-tracking ref of a sequence (for tests and diagnostics). */
export function sequenceRemoteRef(name: string): string {
  return remoteRef(sequencePath(name))
}
