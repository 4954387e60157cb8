// Refuses regular expressions that a backtracking engine (V8's) can take exponential or
// polynomial time on: nested quantifiers like `([A-Z]+)+`, overlapping alternatives under a
// repetition like `(a|a)*`, and adjacent overlapping quantifiers like `\d+\d+`.
//
// Method: the pattern's Glushkov automaton (one state per character atom, edges counted with
// their multiplicity) is checked for ambiguity, as in Weideman et al., "Analyzing Matching Time
// Behavior of Backtracking Regular Expression Matchers by Using Ambiguity of NFA" (2016):
// - exponential: some state has two different loops reading the same word (a strongly
//   connected part of the pair automaton holding a diagonal state and an off-diagonal state or
//   a doubled edge);
// - polynomial: states p != q with p ->w p, p ->w q and q ->w q for one word w (the triple
//   automaton reaches (p, q, q) from (p, p, q)).
// Both checks over-approximate (assertions count as "always true"), so a refusal can be
// stricter than needed, never looser.
import { overlaps, parseRegex, RegexRefusal, type CharRanges, type RegexNode } from './regex-parse'

/** What {@link checkRegexSafety} says about a pattern. */
export type RegexSafety =
  | { readonly kind: 'safe' }
  | {
      readonly kind: 'refused'
      readonly reason: string
      /** Index in the pattern of the part that is the problem, when known. */
      readonly index: number | null
    }

/** The longest pattern accepted. */
export const MAX_PATTERN_LENGTH = 256
/** Character atoms after expanding counted repetitions (`{2,5}`). */
const MAX_POSITIONS = 256
/** Steps the ambiguity search may take before the pattern counts as too complex. */
const MAX_STEPS = 3_000_000

const EXPONENTIAL =
  'nested or overlapping quantifiers (like (a+)+ or (a|a)*) can make matching take exponential time; rewrite it without a repetition inside a repetition'
const POLYNOMIAL =
  'two repetitions can match the same characters one after the other (like \\d+\\d+), which makes matching slow on long names; make the parts match different characters'

class TooComplex extends Error {}

interface Automaton {
  /** The characters of each state; state 0 is the start and has none. */
  readonly sets: CharRanges[]
  /** Where each atom is in the pattern. */
  readonly at: number[]
  /** Edges: from → (to → how many ways). */
  readonly follow: Map<number, number>[]
}

interface Fragment {
  readonly nullable: boolean
  readonly first: readonly number[]
  readonly last: readonly number[]
}

/**
 * Checks that `pattern` (valid for `new RegExp(pattern)`) cannot stall a backtracking matcher.
 * Refuses backreferences, quantified assertions, patterns longer than
 * {@link MAX_PATTERN_LENGTH}, and any ambiguity that makes matching super-linear.
 */
export function checkRegexSafety(pattern: string): RegexSafety {
  if (pattern.length > MAX_PATTERN_LENGTH) {
    return refused(`longer than ${MAX_PATTERN_LENGTH} characters`, null)
  }
  try {
    const tree = parseRegex(pattern)
    const budget = { steps: 0 }
    for (const body of [tree, ...assertionBodies(tree)]) {
      const verdict = analyse(automatonOf(body), budget)
      if (verdict.kind === 'refused') return verdict
    }
    return { kind: 'safe' }
  } catch (err) {
    if (err instanceof RegexRefusal) return refused(err.message, err.index)
    if (err instanceof TooComplex) return refused(err.message, null)
    throw err
  }
}

function refused(reason: string, index: number | null): RegexSafety {
  return { kind: 'refused', reason, index }
}

/** Lookaround bodies run at every position too: each is checked as a pattern of its own. */
function assertionBodies(node: RegexNode): RegexNode[] {
  switch (node.t) {
    case 'chars':
      return []
    case 'assert':
      return node.body ? [node.body, ...assertionBodies(node.body)] : []
    case 'seq':
      return node.items.flatMap(assertionBodies)
    case 'alt':
      return node.alts.flatMap(assertionBodies)
    case 'rep':
      return assertionBodies(node.node)
  }
}

function automatonOf(tree: RegexNode): Automaton {
  const a: Automaton = { sets: [[]], at: [-1], follow: [new Map()] }
  const edges = (from: readonly number[], to: readonly number[]): void => {
    for (const p of from) {
      const out = a.follow[p]
      for (const q of to) out.set(q, (out.get(q) ?? 0) + 1)
    }
  }
  const empty: Fragment = { nullable: true, first: [], last: [] }
  const concat = (x: Fragment, y: Fragment): Fragment => {
    edges(x.last, y.first)
    return {
      nullable: x.nullable && y.nullable,
      first: x.nullable ? [...x.first, ...y.first] : x.first,
      last: y.nullable ? [...y.last, ...x.last] : y.last
    }
  }
  const loop = (x: Fragment): Fragment => {
    edges(x.last, x.first)
    return x
  }
  const optional = (x: Fragment): Fragment => ({ ...x, nullable: true })

  const build = (node: RegexNode): Fragment => {
    switch (node.t) {
      case 'chars': {
        const p = a.sets.length
        if (p > MAX_POSITIONS) {
          throw new TooComplex(
            `too large to check (more than ${MAX_POSITIONS} characters once counted repetitions are expanded)`
          )
        }
        a.sets.push(node.set)
        a.at.push(node.at)
        a.follow.push(new Map())
        return { nullable: false, first: [p], last: [p] }
      }
      case 'assert':
        return empty
      case 'seq':
        return node.items.reduce<Fragment>((acc, item) => concat(acc, build(item)), empty)
      case 'alt': {
        const parts = node.alts.map(build)
        return {
          nullable: parts.some((f) => f.nullable),
          first: parts.flatMap((f) => f.first),
          last: parts.flatMap((f) => f.last)
        }
      }
      case 'rep':
        return repeat(node.node, node.min, node.max)
    }
  }
  // x{min,max}: min copies, then x+ when unbounded, else nested optionals (x(x(x)?)?)?, which
  // is how a greedy counted loop behaves.
  const repeat = (x: RegexNode, min: number, max: number): Fragment => {
    if (max === 0) return empty
    let out = empty
    const mandatory = max === Infinity ? Math.max(min - 1, 0) : min
    for (let k = 0; k < mandatory; k++) out = concat(out, build(x))
    if (max === Infinity) {
      const plus = loop(build(x))
      return concat(out, min === 0 ? optional(plus) : plus)
    }
    let rest = empty
    for (let k = 0; k < max - min; k++) rest = optional(concat(build(x), rest))
    return concat(out, rest)
  }

  const whole = build(tree)
  edges([0], whole.first)
  return a
}

function analyse(a: Automaton, budget: { steps: number }): RegexSafety {
  const tick = (): void => {
    if (++budget.steps > MAX_STEPS) {
      throw new TooComplex('too complex to check; simplify it')
    }
  }
  const n = a.sets.length
  const looping = statesOnCycles(a)
  if (looping.size === 0) return { kind: 'safe' }

  // Exponential: a strongly connected set of pairs holding (q, q) and either (p, r) with p != r
  // or a doubled edge between diagonal pairs.
  const pairSucc = (id: number): number[] => {
    const p = Math.floor(id / n)
    const q = id % n
    const out: number[] = []
    for (const p2 of a.follow[p].keys()) {
      for (const q2 of a.follow[q].keys()) {
        tick()
        if (overlaps(a.sets[p2], a.sets[q2])) out.push(p2 * n + q2)
      }
    }
    return out
  }
  const roots = [...looping].map((q) => q * n + q)
  for (const scc of stronglyConnected(roots, pairSucc)) {
    const members = new Set(scc)
    const diagonal = scc.find((id) => Math.floor(id / n) === id % n)
    if (diagonal === undefined) continue
    const offDiagonal = scc.some((id) => Math.floor(id / n) !== id % n)
    const doubled = scc.some((id) => {
      const p = Math.floor(id / n)
      if (p !== id % n) return false
      for (const [q, ways] of a.follow[p]) if (ways > 1 && members.has(q * n + q)) return true
      return false
    })
    if (offDiagonal || doubled) {
      return refused(EXPONENTIAL, a.at[Math.floor(diagonal / n)])
    }
  }

  // Polynomial: (p, p, q) reaches (p, q, q) on one word.
  const reach = reachability(a)
  for (const p of looping) {
    for (const q of looping) {
      if (p === q || !reach[p].has(q)) continue
      if (triplePath(a, p, q, n, tick)) return refused(POLYNOMIAL, a.at[q])
    }
  }
  return { kind: 'safe' }
}

function triplePath(a: Automaton, p: number, q: number, n: number, tick: () => void): boolean {
  const key = (x: number, y: number, z: number): number => (x * n + y) * n + z
  const target = key(p, q, q)
  const seen = new Set<number>()
  const stack = [key(p, p, q)]
  while (stack.length > 0) {
    const id = stack.pop() as number
    const z = id % n
    const y = Math.floor(id / n) % n
    const x = Math.floor(id / (n * n))
    for (const x2 of a.follow[x].keys()) {
      for (const y2 of a.follow[y].keys()) {
        if (!overlaps(a.sets[x2], a.sets[y2])) continue
        for (const z2 of a.follow[z].keys()) {
          tick()
          if (!overlaps(a.sets[z2], a.sets[x2]) || !overlaps(a.sets[z2], a.sets[y2])) continue
          if (!sharesOne(a.sets[x2], a.sets[y2], a.sets[z2])) continue
          const next = key(x2, y2, z2)
          if (next === target) return true
          if (!seen.has(next)) {
            seen.add(next)
            stack.push(next)
          }
        }
      }
    }
  }
  return false
}

// Three sets with a character in common (pairwise overlap is not enough).
function sharesOne(x: CharRanges, y: CharRanges, z: CharRanges): boolean {
  for (const [lo, hi] of x) {
    for (const [lo2, hi2] of y) {
      const l = Math.max(lo, lo2)
      const h = Math.min(hi, hi2)
      if (l <= h && overlaps([[l, h]], z)) return true
    }
  }
  return false
}

/** States that can return to themselves. */
function statesOnCycles(a: Automaton): Set<number> {
  const reach = reachability(a)
  const out = new Set<number>()
  for (let p = 1; p < a.sets.length; p++) if (reach[p].has(p)) out.add(p)
  return out
}

/** For each state, the states reachable in one or more steps. */
function reachability(a: Automaton): Set<number>[] {
  return a.follow.map((out) => {
    const seen = new Set<number>()
    const stack = [...out.keys()]
    while (stack.length > 0) {
      const s = stack.pop() as number
      if (seen.has(s)) continue
      seen.add(s)
      stack.push(...a.follow[s].keys())
    }
    return seen
  })
}

/** Tarjan's strongly connected components of the graph reachable from `roots`, iteratively. */
function stronglyConnected(roots: readonly number[], succ: (id: number) => number[]): number[][] {
  const index = new Map<number, number>()
  const low = new Map<number, number>()
  const onStack = new Set<number>()
  const stack: number[] = []
  const out: number[][] = []
  let counter = 0
  for (const root of roots) {
    if (index.has(root)) continue
    const work: { id: number; next: number[]; i: number }[] = []
    const enter = (id: number): void => {
      index.set(id, counter)
      low.set(id, counter)
      counter++
      stack.push(id)
      onStack.add(id)
      work.push({ id, next: succ(id), i: 0 })
    }
    enter(root)
    while (work.length > 0) {
      const frame = work[work.length - 1]
      if (frame.i < frame.next.length) {
        const w = frame.next[frame.i++]
        if (!index.has(w)) enter(w)
        else if (onStack.has(w)) {
          low.set(frame.id, Math.min(low.get(frame.id) as number, index.get(w) as number))
        }
        continue
      }
      work.pop()
      const parent = work[work.length - 1]
      if (parent) {
        low.set(parent.id, Math.min(low.get(parent.id) as number, low.get(frame.id) as number))
      }
      if (low.get(frame.id) === index.get(frame.id)) {
        const scc: number[] = []
        let w: number
        do {
          w = stack.pop() as number
          onStack.delete(w)
          scc.push(w)
        } while (w !== frame.id)
        out.push(scc)
      }
    }
  }
  return out
}
