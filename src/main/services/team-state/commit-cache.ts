/**
 * Parsed operation commits, kept in memory by id. Commits are immutable, so a commit read
 * once is never read again: a later read only walks what is new.
 */
import { isBad, MERGE_TYPE, type BadCommit, type OpCommit } from './op-codec'

/** An operation in a folded log: its commit id is its identity. */
export type Operation = OpCommit

/** The history under one tip: its operations in fold order, or why it cannot be read. */
export type History =
  | { readonly ok: true; readonly ops: readonly Operation[]; readonly maxClock: number }
  | { readonly ok: false; readonly reason: string }

/**
 * The fold order: by Lamport clock, then by commit id. It depends only on the set of
 * operations, never on the order they arrived in, so every clone folds the same set alike.
 */
export function compareOps(a: Operation, b: Operation): number {
  if (a.clock !== b.clock) return a.clock - b.clock
  return a.sha < b.sha ? -1 : a.sha > b.sha ? 1 : 0
}

/** The in-memory store of parsed commits. */
export class CommitCache {
  private readonly commits = new Map<string, OpCommit | BadCommit>()

  /** True when the commit has been read. */
  has(sha: string): boolean {
    return this.commits.has(sha)
  }

  /** The commit, or undefined when it has not been read. */
  get(sha: string): OpCommit | BadCommit | undefined {
    return this.commits.get(sha)
  }

  /** Remembers a parsed commit. */
  add(commit: OpCommit | BadCommit): void {
    this.commits.set(commit.sha, commit)
  }

  /** How many commits are held. */
  get size(): number {
    return this.commits.size
  }

  /**
   * Every operation reachable from `tip`, in fold order. The history is refused when a
   * commit is missing or not an operation, or when a clock does not grow from parent to child
   * (the Lamport order must agree with the history, else a hand-made commit could reorder it).
   */
  history(tip: string): History {
    const ops: Operation[] = []
    const seen = new Set<string>([tip])
    const stack = [tip]
    let maxClock = 0
    while (stack.length > 0) {
      const sha = stack.pop() as string
      const commit = this.commits.get(sha)
      if (!commit) return { ok: false, reason: `commit ${sha.slice(0, 12)} is missing` }
      if (isBad(commit)) {
        return { ok: false, reason: `commit ${sha.slice(0, 12)}: ${commit.reason}` }
      }
      if (commit.type !== MERGE_TYPE) ops.push(commit)
      if (commit.clock > maxClock) maxClock = commit.clock
      for (const parent of commit.parents) {
        const p = this.commits.get(parent)
        if (p && !isBad(p) && p.clock >= commit.clock) {
          return {
            ok: false,
            reason: `commit ${sha.slice(0, 12)} has a clock (${commit.clock}) not above its parent's (${p.clock})`
          }
        }
        if (!seen.has(parent)) {
          seen.add(parent)
          stack.push(parent)
        }
      }
    }
    if (ops.length === 0) return { ok: false, reason: 'the log holds no operation' }
    ops.sort(compareOps)
    return { ok: true, ops, maxClock }
  }

  /** True when `ancestor` is `of` or reachable from it through parents held here. */
  isAncestor(ancestor: string, of: string): boolean {
    if (ancestor === of) return true
    const seen = new Set<string>([of])
    const stack = [of]
    while (stack.length > 0) {
      const commit = this.commits.get(stack.pop() as string)
      if (!commit || isBad(commit)) continue
      for (const parent of commit.parents) {
        if (parent === ancestor) return true
        if (!seen.has(parent)) {
          seen.add(parent)
          stack.push(parent)
        }
      }
    }
    return false
  }

  /** The commits reachable from `tip` and not from `base`, oldest first by clock. */
  onlyIn(tip: string, base: string | null): OpCommit[] {
    const excluded = new Set<string>()
    if (base) {
      const stack = [base]
      while (stack.length > 0) {
        const sha = stack.pop() as string
        if (excluded.has(sha)) continue
        excluded.add(sha)
        const c = this.commits.get(sha)
        if (c && !isBad(c)) stack.push(...c.parents)
      }
    }
    const out: OpCommit[] = []
    const seen = new Set<string>()
    const stack = [tip]
    while (stack.length > 0) {
      const sha = stack.pop() as string
      if (seen.has(sha) || excluded.has(sha)) continue
      seen.add(sha)
      const c = this.commits.get(sha)
      if (!c || isBad(c)) continue
      out.push(c)
      stack.push(...c.parents)
    }
    return out.sort(compareOps)
  }
}
