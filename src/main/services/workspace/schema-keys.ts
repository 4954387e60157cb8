import type { z } from 'zod'

// The few parts of zod 4's schema definitions needed to walk down to an object's keys.
interface DefView {
  readonly type: string
  readonly shape?: Record<string, unknown>
  readonly innerType?: unknown
  readonly in?: unknown
  readonly element?: unknown
  readonly options?: readonly unknown[]
}

function defOf(schema: unknown): DefView | null {
  const def = (schema as { _zod?: { def?: DefView } } | null)?._zod?.def
  return def && typeof def.type === 'string' ? def : null
}

function unwrap(schema: unknown, value: unknown): DefView | null {
  let def = defOf(schema)
  for (let guard = 0; def && guard < 20; guard++) {
    if (def.innerType !== undefined) def = defOf(def.innerType)
    else if (def.type === 'pipe') def = defOf(def.in)
    else if (def.type === 'union' && def.options) def = defOf(pickOption(def.options, value))
    else return def
  }
  return def
}

/** The union option whose keys overlap most with the value's keys. */
function pickOption(options: readonly unknown[], value: unknown): unknown {
  const keys = typeof value === 'object' && value !== null ? Object.keys(value) : []
  let best: unknown = options[0]
  let bestScore = -1
  for (const option of options) {
    const shape = unwrapNoUnion(option)?.shape
    const score = shape ? keys.filter((k) => k in shape).length : 0
    if (score > bestScore) {
      best = option
      bestScore = score
    }
  }
  return best
}

function unwrapNoUnion(schema: unknown): DefView | null {
  let def = defOf(schema)
  while (def && (def.innerType !== undefined || def.type === 'pipe')) {
    def = defOf(def.innerType ?? def.in)
  }
  return def
}

/**
 * The keys the schema allows for the object at `path` of `raw` (walking through optionals,
 * defaults, arrays and unions), or null when the path does not lead to an object schema.
 */
export function keysAllowedAt(
  schema: z.ZodType,
  path: readonly PropertyKey[],
  raw: unknown
): string[] | null {
  let value: unknown = raw
  let def = unwrap(schema, value)
  for (const key of path) {
    if (!def) return null
    value =
      typeof value === 'object' && value !== null
        ? (value as Record<PropertyKey, unknown>)[key]
        : undefined
    if (def.type === 'object' && def.shape && typeof key === 'string') {
      def = unwrap(def.shape[key], value)
    } else if (def.type === 'array' && typeof key === 'number') {
      def = unwrap(def.element, value)
    } else {
      return null
    }
  }
  return def?.type === 'object' && def.shape ? Object.keys(def.shape) : null
}

/** The candidate closest to `name` by edit distance, if it is plausibly a typo (≤ 2 edits). */
export function closestName(name: string, candidates: readonly string[]): string | null {
  let best: string | null = null
  let bestDistance = Infinity
  for (const candidate of candidates) {
    const d = editDistance(name.toLowerCase(), candidate.toLowerCase())
    if (d < bestDistance) {
      best = candidate
      bestDistance = d
    }
  }
  return bestDistance <= Math.min(2, Math.max(1, Math.floor(name.length / 3))) ? best : null
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const cur = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost)
    }
    prev = cur
  }
  return prev[b.length] ?? 0
}
