import { z } from 'zod'

/** The schema a wrapper (optional, default, pipe…) stands for, through zod's public API. */
function inner(schema: z.ZodType): z.ZodType | null {
  if (
    schema instanceof z.ZodOptional ||
    schema instanceof z.ZodNullable ||
    schema instanceof z.ZodDefault ||
    schema instanceof z.ZodPrefault ||
    schema instanceof z.ZodCatch ||
    schema instanceof z.ZodReadonly ||
    schema instanceof z.ZodNonOptional
  ) {
    return schema.unwrap() as z.ZodType
  }
  if (schema instanceof z.ZodPipe) return schema.in as z.ZodType
  if (schema instanceof z.ZodLazy) return schema.unwrap() as z.ZodType
  return null
}

/** The schema under its wrappers; for a union, the option that fits `value` best. */
function unwrap(schema: z.ZodType | undefined, value: unknown): z.ZodType | null {
  let current: z.ZodType | null = schema ?? null
  for (let guard = 0; current && guard < 20; guard++) {
    const next = inner(current)
    if (next) current = next
    else if (current instanceof z.ZodUnion)
      current = pickOption(current.options as z.ZodType[], value)
    else return current
  }
  return current
}

/** The union option whose keys overlap most with the value's keys. */
function pickOption(options: readonly z.ZodType[], value: unknown): z.ZodType | null {
  const keys = typeof value === 'object' && value !== null ? Object.keys(value) : []
  let best: z.ZodType | null = options[0] ?? null
  let bestScore = -1
  for (const option of options) {
    const object = unwrapNoUnion(option)
    const score = object instanceof z.ZodObject ? keys.filter((k) => k in object.shape).length : 0
    if (score > bestScore) {
      best = option
      bestScore = score
    }
  }
  return best
}

function unwrapNoUnion(schema: z.ZodType): z.ZodType {
  let current = schema
  for (let next = inner(current); next; next = inner(current)) current = next
  return current
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
  let current = unwrap(schema, value)
  for (const key of path) {
    if (!current) return null
    value =
      typeof value === 'object' && value !== null
        ? (value as Record<PropertyKey, unknown>)[key]
        : undefined
    if (current instanceof z.ZodObject && typeof key === 'string') {
      current = unwrap(current.shape[key] as z.ZodType | undefined, value)
    } else if (current instanceof z.ZodArray && typeof key === 'number') {
      current = unwrap(current.element as z.ZodType, value)
    } else {
      return null
    }
  }
  return current instanceof z.ZodObject ? Object.keys(current.shape) : null
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
