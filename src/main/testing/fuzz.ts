// Test support: seeded, reproducible generators for fuzzing (the same seed gives the same
// inputs on every machine).

/** A small fast PRNG (mulberry32): `next()` in [0, 1). */
export function rng(seed: number): {
  next(): number
  int(n: number): number
  pick<T>(xs: readonly T[]): T
} {
  let a = seed >>> 0
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (n: number): number => Math.floor(next() * n)
  return { next, int, pick: (xs) => xs[int(xs.length)] as (typeof xs)[number] }
}

/** Generator state. */
export type Rng = ReturnType<typeof rng>

const STRINGS = [
  '',
  ' ',
  'main',
  'feature/ORD-1',
  '../../etc/passwd',
  '--upload-pack=touch /tmp/x',
  '-rf',
  '$(id)',
  '`id`',
  'a\u0000b',
  '\u202e\u0007',
  '😀',
  'refs/heads/main',
  'HEAD~1',
  'staging',
  'production',
  '20261126.1204-abc1234',
  'latest',
  '0'.repeat(40),
  'deadbeef',
  '/',
  '/tmp',
  'C:\\Windows',
  'x'.repeat(5000),
  'null',
  '__proto__',
  'constructor',
  'SHA256:' + 'A'.repeat(43),
  'ssh-ed25519',
  'AAAAC3NzaC1lZDI1NTE5AAAAI'
]
const KEYS = ['__proto__', 'constructor', 'prototype', 'extra', '', 'toString', 'a'.repeat(300)]

/** A random JSON value, up to `depth` levels deep. */
export function randomValue(r: Rng, depth = 3): unknown {
  switch (r.int(depth > 0 ? 9 : 7)) {
    case 0:
      return null
    case 1:
      return r.next() < 0.5
    case 2:
      return r.pick([0, -1, 1, 2 ** 31, 2 ** 53 + 1, -(2 ** 53), 1e308, 0.5, NaN, -0])
    case 3:
      return r.int(100_000) - 50_000
    case 4:
    case 5:
      return r.pick(STRINGS)
    case 6:
      return mutateString(r, r.pick(STRINGS))
    case 7:
      return Array.from({ length: r.int(4) }, () => randomValue(r, depth - 1))
    default: {
      const o: Record<string, unknown> = {}
      for (let i = r.int(4); i > 0; i--)
        o[r.pick([...KEYS, ...STRINGS])] = randomValue(r, depth - 1)
      return o
    }
  }
}

/** A string with a few characters inserted, removed or replaced. */
export function mutateString(r: Rng, s: string): string {
  let out = s
  for (let i = 1 + r.int(3); i > 0; i--) {
    const at = r.int(out.length + 1)
    const ch = String.fromCharCode(
      r.pick([0, 9, 10, 13, 32, 34, 39, 45, 58, 91, 123, 0xd800, r.int(0x3000)])
    )
    switch (r.int(3)) {
      case 0:
        out = out.slice(0, at) + ch + out.slice(at)
        break
      case 1:
        out = out.slice(0, at) + out.slice(at + 1)
        break
      default:
        out = out.slice(0, at) + ch + out.slice(at + 1)
    }
  }
  return out
}

/**
 * A request for a method whose schema has these `keys`: mostly an object with some of the
 * keys given random values (sometimes plausible ones), extra keys, missing keys; sometimes not
 * an object at all.
 */
export function randomRequest(
  r: Rng,
  keys: readonly string[],
  plausible: Record<string, readonly unknown[]>
): unknown {
  if (r.next() < 0.08) return randomValue(r)
  const req: Record<string, unknown> = {}
  for (const k of keys) {
    const roll = r.next()
    if (roll < 0.25) continue
    const good = plausible[k]
    req[k] = good && roll < 0.65 ? r.pick(good) : randomValue(r, 2)
  }
  if (r.next() < 0.1) req[r.pick(KEYS)] = randomValue(r, 1)
  return req
}

/**
 * `request` changed a little: one key's value replaced by a random or mutated one, a key
 * removed, or an unexpected key added (a non-object becomes a random value).
 */
export function mutateRequest(r: Rng, request: unknown): unknown {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) {
    return randomValue(r)
  }
  const out: Record<string, unknown> = { ...(request as Record<string, unknown>) }
  const keys = Object.keys(out)
  const roll = r.int(3)
  if (roll === 0 && keys.length > 0) {
    const k = r.pick(keys)
    const v = out[k]
    out[k] = typeof v === 'string' && r.next() < 0.5 ? mutateString(r, v) : randomValue(r, 1)
  } else if (roll === 1 && keys.length > 0) {
    delete out[r.pick(keys)]
  } else {
    out[r.pick([...KEYS, ...STRINGS])] = randomValue(r, 1)
  }
  return out
}
