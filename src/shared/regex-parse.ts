// A parser for JavaScript regular expressions (without flags, as ticket patterns are compiled)
// into the small tree that regex-safety.ts analyses. Only the syntax matters here: what a
// pattern means is left to the engine, which has already accepted it.

/** Sorted, disjoint, inclusive UTF-16 code unit ranges. */
export type CharRanges = readonly (readonly [number, number])[]

/** The parsed shape of a pattern: what can repeat, and which characters each atom takes. */
export type RegexNode =
  | { readonly t: 'chars'; readonly set: CharRanges; readonly at: number }
  | { readonly t: 'seq'; readonly items: readonly RegexNode[] }
  | { readonly t: 'alt'; readonly alts: readonly RegexNode[] }
  | {
      readonly t: 'rep'
      readonly node: RegexNode
      readonly min: number
      readonly max: number
      readonly at: number
    }
  /** Zero-width: `^`, `$`, `\b`, `\B`, and lookarounds (whose bodies are kept to be checked). */
  | { readonly t: 'assert'; readonly body: RegexNode | null; readonly at: number }

/** A construct the checker refuses or cannot read, with its index in the pattern. */
export class RegexRefusal extends Error {
  constructor(
    message: string,
    readonly index: number
  ) {
    super(message)
  }
}

const MAX = 0xffff
const DIGIT: CharRanges = [[48, 57]]
const WORD: CharRanges = [
  [48, 57],
  [65, 90],
  [95, 95],
  [97, 122]
]
const SPACE: CharRanges = normalize([
  [9, 13],
  [32, 32],
  [0xa0, 0xa0],
  [0x1680, 0x1680],
  [0x2000, 0x200a],
  [0x2028, 0x2029],
  [0x202f, 0x202f],
  [0x205f, 0x205f],
  [0x3000, 0x3000],
  [0xfeff, 0xfeff]
])
const DOT: CharRanges = complement([
  [10, 10],
  [13, 13],
  [0x2028, 0x2029]
])

/** Sorts and merges ranges. */
export function normalize(ranges: readonly (readonly [number, number])[]): CharRanges {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0])
  const out: [number, number][] = []
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1]
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi)
    else out.push([lo, hi])
  }
  return out
}

/** Every code unit not in `ranges`. */
export function complement(ranges: CharRanges): CharRanges {
  const out: [number, number][] = []
  let next = 0
  for (const [lo, hi] of normalize(ranges)) {
    if (lo > next) out.push([next, lo - 1])
    next = hi + 1
  }
  if (next <= MAX) out.push([next, MAX])
  return out
}

/** True when two range sets share a character. */
export function overlaps(a: CharRanges, b: CharRanges): boolean {
  let i = 0
  let j = 0
  while (i < a.length && j < b.length) {
    if (a[i][1] < b[j][0]) i++
    else if (b[j][1] < a[i][0]) j++
    else return true
  }
  return false
}

/** The characters both sets have. */
export function intersect(a: CharRanges, b: CharRanges): CharRanges {
  const out: [number, number][] = []
  let i = 0
  let j = 0
  while (i < a.length && j < b.length) {
    const lo = Math.max(a[i][0], b[j][0])
    const hi = Math.min(a[i][1], b[j][1])
    if (lo <= hi) out.push([lo, hi])
    if (a[i][1] < b[j][1]) i++
    else j++
  }
  return out
}

/**
 * Parses `pattern` (already accepted by `new RegExp(pattern)`) into a {@link RegexNode}.
 * Throws {@link RegexRefusal} for backreferences, quantified lookarounds and anything it
 * cannot read.
 */
export function parseRegex(pattern: string): RegexNode {
  let i = 0
  const peek = (): string | undefined => pattern[i]
  const fail = (message: string, at = i): never => {
    throw new RegexRefusal(message, at)
  }

  const disjunction = (): RegexNode => {
    const alts = [alternative()]
    while (peek() === '|') {
      i++
      alts.push(alternative())
    }
    return alts.length === 1 ? alts[0] : { t: 'alt', alts }
  }

  const alternative = (): RegexNode => {
    const items: RegexNode[] = []
    while (i < pattern.length && peek() !== '|' && peek() !== ')') {
      const start = i
      const node = term()
      const q = quantifier()
      if (!q) {
        items.push(node)
        continue
      }
      if (node.t === 'assert') fail('a quantified assertion is not allowed', start)
      items.push({ t: 'rep', node, min: q.min, max: q.max, at: q.at })
    }
    return items.length === 1 ? items[0] : { t: 'seq', items }
  }

  const quantifier = (): { min: number; max: number; at: number } | null => {
    const at = i
    const c = peek()
    let min: number
    let max: number
    if (c === '*') [min, max, i] = [0, Infinity, i + 1]
    else if (c === '+') [min, max, i] = [1, Infinity, i + 1]
    else if (c === '?') [min, max, i] = [0, 1, i + 1]
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i))
      if (!m) return null // Annex B: a `{` that is not a quantifier is a literal.
      min = Number(m[1])
      max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3])
      i += m[0].length
    } else return null
    if (peek() === '?') i++ // lazy: the same paths, tried in another order
    return { min, max, at }
  }

  const term = (): RegexNode => {
    const at = i
    const c = pattern[i++]
    switch (c) {
      case '^':
      case '$':
        return { t: 'assert', body: null, at }
      case '.':
        return { t: 'chars', set: DOT, at }
      case '[':
        return { t: 'chars', set: charClass(), at }
      case '(':
        return group(at)
      case '\\':
        return atomEscape(at)
      case '*':
      case '+':
      case '?':
        return fail('nothing to repeat', at)
      default:
        return { t: 'chars', set: [[c.charCodeAt(0), c.charCodeAt(0)]], at }
    }
  }

  const group = (at: number): RegexNode => {
    let look = false
    if (pattern.startsWith('?:', i)) i += 2
    else if (/^\?<?[=!]/.test(pattern.slice(i))) {
      look = true
      i += pattern[i + 1] === '<' ? 3 : 2
    } else if (pattern.startsWith('?<', i)) {
      const end = pattern.indexOf('>', i)
      if (end < 0) fail('unterminated group name')
      i = end + 1
    } else if (peek() === '?') fail('unsupported group syntax')
    const body = disjunction()
    if (peek() !== ')') fail('unterminated group', at)
    i++
    return look ? { t: 'assert', body, at } : body
  }

  const atomEscape = (at: number): RegexNode => {
    const c = pattern[i]
    if (c === undefined) return fail('a pattern cannot end with \\', at)
    if (c === 'b' || c === 'B') {
      i++
      return { t: 'assert', body: null, at }
    }
    if (/[1-9]/.test(c)) fail('backreferences (\\1) are not allowed in a ticket pattern', at)
    if (c === 'k' && /\(\?<[^=!]/.test(pattern)) {
      fail('backreferences (\\k<name>) are not allowed in a ticket pattern', at)
    }
    return { t: 'chars', set: classEscape(), at }
  }

  // After a backslash, inside or outside a class: the characters the escape stands for.
  const classEscape = (inClass = false): CharRanges => {
    const c = pattern[i++]
    const one = (code: number): CharRanges => [[code, code]]
    switch (c) {
      case 'd':
        return DIGIT
      case 'D':
        return complement(DIGIT)
      case 'w':
        return WORD
      case 'W':
        return complement(WORD)
      case 's':
        return SPACE
      case 'S':
        return complement(SPACE)
      case 'n':
        return one(10)
      case 'r':
        return one(13)
      case 't':
        return one(9)
      case 'v':
        return one(11)
      case 'f':
        return one(12)
      case 'b':
        return inClass ? one(8) : one(98)
      case 'c': {
        const letter = pattern[i]
        if (letter && /[A-Za-z]/.test(letter)) {
          i++
          return one(letter.charCodeAt(0) % 32)
        }
        i-- // Annex B: `\c` not followed by a letter is a backslash, then a `c`.
        return one(92)
      }
      case 'x':
      case 'u': {
        const len = c === 'x' ? 2 : 4
        const hex = pattern.slice(i, i + len)
        if (hex.length === len && /^[0-9A-Fa-f]+$/.test(hex)) {
          i += len
          return one(parseInt(hex, 16))
        }
        return one(c.charCodeAt(0))
      }
      case '0': {
        const oct = /^[0-7]{0,2}/.exec(pattern.slice(i))?.[0] ?? ''
        i += oct.length
        return one(parseInt(`0${oct}`, 8))
      }
      default:
        return one(c.charCodeAt(0))
    }
  }

  const charClass = (): CharRanges => {
    const negated = peek() === '^'
    if (negated) i++
    const ranges: (readonly [number, number])[] = []
    const classAtom = (): CharRanges => {
      const c = pattern[i++]
      if (c === '\\') return classEscape(true)
      return [[c.charCodeAt(0), c.charCodeAt(0)]]
    }
    while (i < pattern.length && peek() !== ']') {
      const left = classAtom()
      if (peek() === '-' && pattern[i + 1] !== undefined && pattern[i + 1] !== ']') {
        i++
        const right = classAtom()
        // `[\d-z]`: Annex B reads a range with a class escape as three atoms.
        if (left.length === 1 && right.length === 1 && left[0][0] === left[0][1]) {
          if (right[0][0] === right[0][1] && left[0][0] <= right[0][0]) {
            ranges.push([left[0][0], right[0][0]])
            continue
          }
        }
        ranges.push(...left, [45, 45], ...right)
        continue
      }
      ranges.push(...left)
    }
    if (peek() !== ']') fail('unterminated character class')
    i++
    const set = normalize(ranges)
    return negated ? complement(set) : set
  }

  const tree = disjunction()
  if (i < pattern.length) fail(`unexpected "${pattern[i]}"`)
  return tree
}
