import { NONE, type CommitGraph } from './graph'

/**
 * Main's history, indexed so that ahead/behind of any branch costs only its own commits.
 * With c_0..c_n main's first-parent chain from the root, `addedAt[x]` is the first step i at
 * which x is an ancestor of c_i (-1: not on main), and `chainCount[i]` is |ancestors of c_i|.
 * Ancestor sets along the chain are nested, so `x ∈ anc(c_i) ⇔ 0 <= addedAt[x] <= i`.
 */
export interface MainLine {
  readonly tip: number
  readonly addedAt: Int32Array
  readonly chainStep: Int32Array
  readonly chainCount: Int32Array
  /** |ancestors of main's tip| (the tip included). */
  readonly total: number
}

/** One branch compared with main. */
export interface Comparison {
  readonly ahead: number
  readonly behind: number
  /** Commits on the branch not on main, in walk order from the tip (first parents first). */
  readonly aheadIds: readonly number[]
}

function eachParent(graph: CommitGraph, id: number, visit: (p: number) => void): void {
  const first = graph.parent(id)
  if (first === NONE) return
  visit(first)
  const rest = graph.mergeParents(id)
  if (rest) for (const p of rest) visit(p)
}

/** Indexes main's history: one pass over its commits, O(|main|). */
export function computeMainLine(graph: CommitGraph, tip: number): MainLine {
  const chain: number[] = []
  for (let c = tip; c !== NONE; c = graph.parent(c)) chain.push(c)
  chain.reverse()
  const size = graph.size
  const addedAt = new Int32Array(size).fill(-1)
  const chainStep = new Int32Array(size).fill(-1)
  const chainCount = new Int32Array(chain.length)
  const stack: number[] = []
  let count = 0
  for (let step = 0; step < chain.length; step += 1) {
    const c = chain[step] as number
    chainStep[c] = step
    addedAt[c] = step
    count += 1
    // The first parent is c_(step-1), already counted; merged-in parents bring the rest.
    const rest = graph.mergeParents(c)
    if (rest) {
      for (const p of rest) stack.push(p)
      while (stack.length > 0) {
        const x = stack.pop() as number
        if (addedAt[x] !== -1) continue
        addedAt[x] = step
        count += 1
        eachParent(graph, x, (p) => {
          if (addedAt[p] === -1) stack.push(p)
        })
      }
    }
    chainCount[step] = count
  }
  return { tip, addedAt, chainStep, chainCount, total: count }
}

/**
 * Reusable visit marks: `mark(id)` is true the first time an id is seen in the current round.
 * Sized to the graph once, so thousands of small walks allocate nothing.
 */
export class VisitMarks {
  private stamps: Int32Array
  private round = 0
  constructor(size: number) {
    this.stamps = new Int32Array(size)
  }
  /** Starts a new walk; previous marks no longer count. */
  next(size: number): void {
    if (size > this.stamps.length)
      this.stamps = new Int32Array(Math.max(size, this.stamps.length * 2))
    this.round += 1
  }
  /** Marks `id`; false when it was already marked in this round. */
  mark(id: number): boolean {
    if (this.stamps[id] === this.round) return false
    this.stamps[id] = this.round
    return true
  }
}

function inMain(main: MainLine, id: number): boolean {
  // Ids newer than the index cannot be ancestors of main's tip: the tip's history was complete.
  return id < main.addedAt.length && (main.addedAt[id] as number) >= 0
}

/**
 * Ahead and behind of the branch at `tip` relative to `main` (null: there is no main, so
 * every commit of the branch is ahead and none behind). Walks the branch's own commits down
 * to where they meet main (the boundary); behind is |anc(main)| minus |anc(boundary)|, read
 * from the chain counts, walking only the part of merged-in side history that is not already
 * an ancestor of the latest chain commit in the boundary.
 */
export function compareWithMain(
  graph: CommitGraph,
  main: MainLine | null,
  tip: number,
  marks: VisitMarks
): Comparison {
  marks.next(graph.size)
  const aheadIds: number[] = []
  const boundary: number[] = []
  const stack = [tip]
  while (stack.length > 0) {
    const x = stack.pop() as number
    if (!marks.mark(x)) continue
    if (main && inMain(main, x)) {
      boundary.push(x)
      continue
    }
    aheadIds.push(x)
    const rest = graph.mergeParents(x)
    // Push later parents first so the first-parent line is walked first.
    if (rest) for (let i = rest.length - 1; i >= 0; i -= 1) stack.push(rest[i] as number)
    const first = graph.parent(x)
    if (first !== NONE) stack.push(first)
  }
  if (!main) return { ahead: aheadIds.length, behind: 0, aheadIds }
  return {
    ahead: aheadIds.length,
    behind: main.total - sharedCount(graph, main, boundary, marks),
    aheadIds
  }
}

/** |anc(boundary)| for commits on main. */
function sharedCount(
  graph: CommitGraph,
  main: MainLine,
  boundary: readonly number[],
  marks: VisitMarks
): number {
  let latest = -1
  const offChain: number[] = []
  for (const b of boundary) {
    const step = main.chainStep[b] as number
    if (step >= 0) latest = Math.max(latest, step)
    else offChain.push(b)
  }
  if (offChain.length === 0) return latest >= 0 ? (main.chainCount[latest] as number) : 0
  // Side history: walk it, pruning at anything already inside anc(c_latest). Chain commits met
  // on the way raise `latest`; commits walked before the raise are re-checked at the end.
  marks.next(graph.size)
  const walked: number[] = []
  const stack = offChain.filter((b) => (main.addedAt[b] as number) > latest)
  while (stack.length > 0) {
    const x = stack.pop() as number
    const added = main.addedAt[x] as number
    if (added <= latest || !marks.mark(x)) continue
    const step = main.chainStep[x] as number
    if (step >= 0) {
      latest = Math.max(latest, step)
      continue
    }
    walked.push(x)
    eachParent(graph, x, (p) => stack.push(p))
  }
  let extra = 0
  for (const x of walked) if ((main.addedAt[x] as number) > latest) extra += 1
  return (latest >= 0 ? (main.chainCount[latest] as number) : 0) + extra
}
