import { createHash, createHmac } from 'node:crypto'

/** One key line of an OpenSSH known_hosts file. */
export interface KnownHostEntry {
  readonly marker: 'revoked' | null
  /** Comma-separated patterns as written (plain, `[host]:port`, wildcards, `!negated`), or a hashed `|1|salt|hash`. */
  readonly patterns: string
  readonly keyType: string
  readonly key: Buffer
  /** File and 1-based line, for messages. */
  readonly source: string
}

/**
 * Parses known_hosts text: comments, blank lines, `@revoked` (kept), `@cert-authority` (ignored:
 * Slipway does not do host certificates), hashed and plain host lists. Malformed lines are skipped,
 * as OpenSSH does.
 */
export function parseKnownHosts(text: string, file = 'known_hosts'): KnownHostEntry[] {
  const entries: KnownHostEntry[] = []
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim()
    if (line === '' || line.startsWith('#')) continue
    const fields = line.split(/\s+/)
    let marker: KnownHostEntry['marker'] = null
    if (fields[0].startsWith('@')) {
      const m = fields.shift()
      if (m === '@cert-authority') continue
      if (m !== '@revoked') continue
      marker = 'revoked'
    }
    if (fields.length < 3) continue
    const [patterns, keyType, keyBase64] = fields
    if (!/^[A-Za-z0-9+/]+=*$/.test(keyBase64)) continue
    const key = Buffer.from(keyBase64, 'base64')
    if (key.length === 0) continue
    entries.push({ marker, patterns, keyType, key, source: `${file}:${i + 1}` })
  }
  return entries
}

/** The name OpenSSH looks up for a host and port: `host`, or `[host]:port` when the port is not 22. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`
}

/** True when `name` (see {@link knownHostsName}) matches an entry's host list. */
export function matchesHostPatterns(patterns: string, name: string): boolean {
  if (patterns.startsWith('|1|')) return matchesHashed(patterns, name)
  let matched = false
  for (const raw of patterns.split(',')) {
    if (raw === '') continue
    const negated = raw.startsWith('!')
    const pattern = (negated ? raw.slice(1) : raw).toLowerCase()
    if (wildcardMatch(pattern, name.toLowerCase())) {
      if (negated) return false
      matched = true
    }
  }
  return matched
}

/** OpenSSH's `*` and `?` wildcards, anchored at both ends. */
export function wildcardMatch(pattern: string, value: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.')
  return new RegExp(`^${re}$`, 's').test(value)
}

function matchesHashed(field: string, name: string): boolean {
  // |1|base64(salt)|base64(HMAC-SHA1(salt, name)), see OpenSSH hostfile.c host_hash().
  const parts = field.split('|')
  if (parts.length !== 4) return false
  const salt = Buffer.from(parts[2], 'base64')
  const expected = Buffer.from(parts[3], 'base64')
  const actual = createHmac('sha1', salt).update(name).digest()
  return actual.length === expected.length && actual.equals(expected)
}

/** A `|1|salt|hash` host field for `name`, as `ssh-keygen -H` writes it. */
export function hashHostName(name: string, salt: Buffer): string {
  const hash = createHmac('sha1', salt).update(name).digest('base64')
  return `|1|${salt.toString('base64')}|${hash}`
}

/** OpenSSH's `SHA256:` fingerprint of a public key blob (base64 without padding). */
export function fingerprintOf(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`
}

/** The key type written inside a public key blob (its first SSH string), e.g. `ssh-ed25519`. */
export function keyTypeOf(key: Buffer): string {
  if (key.length < 4) return 'unknown'
  const len = key.readUInt32BE(0)
  if (len > key.length - 4 || len > 64) return 'unknown'
  return key.subarray(4, 4 + len).toString('latin1')
}

/** What known_hosts says about a host's key. */
export type HostKeyVerdict =
  | { readonly kind: 'trusted'; readonly source: string }
  | { readonly kind: 'unknown'; readonly otherTypes: readonly string[] }
  | {
      readonly kind: 'changed'
      readonly knownFingerprints: readonly string[]
      readonly source: string
    }
  | { readonly kind: 'revoked'; readonly source: string }

/**
 * Checks a presented key against entries, as OpenSSH does: a revoked key is refused wherever it
 * is listed; a listed key of the same type that differs means the key changed; a match is trusted.
 */
export function checkHostKey(
  entries: readonly KnownHostEntry[],
  host: string,
  port: number,
  key: Buffer
): HostKeyVerdict {
  const revoked = entries.find((e) => e.marker === 'revoked' && e.key.equals(key))
  if (revoked) return { kind: 'revoked', source: revoked.source }
  const name = knownHostsName(host, port)
  const forHost = entries.filter((e) => e.marker === null && matchesHostPatterns(e.patterns, name))
  const exact = forHost.find((e) => e.key.equals(key))
  if (exact) return { kind: 'trusted', source: exact.source }
  const type = keyTypeOf(key)
  const sameType = forHost.filter((e) => keyTypeOf(e.key) === type)
  if (sameType.length > 0) {
    return {
      kind: 'changed',
      knownFingerprints: sameType.map((e) => fingerprintOf(e.key)),
      source: sameType[0].source
    }
  }
  return { kind: 'unknown', otherTypes: [...new Set(forHost.map((e) => keyTypeOf(e.key)))] }
}
