import { createHash, createHmac } from 'node:crypto'

/** One key line of an OpenSSH known_hosts file. */
export interface KnownHostEntry {
  /** `@revoked` or `@cert-authority` (kept so matching agrees with OpenSSH; never trusted). */
  readonly marker: 'revoked' | 'cert-authority' | null
  /** Comma-separated patterns as written (plain, `[host]:port`, wildcards, `!negated`), or a hashed `|1|salt|hash`. */
  readonly patterns: string
  readonly keyType: string
  readonly key: Buffer
  /** File and 1-based line, for messages. */
  readonly source: string
}

/**
 * Parses known_hosts text the way OpenSSH reads it (hostfile.c + sshkey_read): comments,
 * blank lines, `@revoked` and `@cert-authority` markers (any other `@` word: the line is
 * skipped), hashed and plain host lists, fields split on spaces and tabs, CRLF line ends.
 * A line whose key OpenSSH would not parse is skipped, as OpenSSH does: base64 that is not
 * canonical (wrong padding, trailing characters), a declared type that differs from the
 * type inside the key, a key whose fields do not add up (see {@link validKeyBlob}).
 */
export function parseKnownHosts(text: string, file = 'known_hosts'): KnownHostEntry[] {
  const entries: KnownHostEntry[] = []
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).replace(/^[ \t]+/, '').replace(/[\r\n]+$/, '')
    if (line === '' || line.startsWith('#')) continue
    const fields = line.split(/[ \t\r]+/).filter((f) => f !== '')
    let marker: KnownHostEntry['marker'] = null
    if ((fields[0] as string).startsWith('@')) {
      const m = fields.shift()
      if (m === '@cert-authority') marker = 'cert-authority'
      else if (m === '@revoked') marker = 'revoked'
      else continue
    }
    if (fields.length < 3) continue
    const [patterns, keyType, keyBase64] = fields as [string, string, string]
    const key = strictBase64(keyBase64)
    if (!key || !validKeyBlob(keyType, key)) continue
    entries.push({ marker, patterns, keyType, key, source: `${file}:${i + 1}` })
  }
  return entries
}

/** Bytes of canonical base64 (what OpenSSH's b64_pton accepts), else null. */
export function strictBase64(text: string): Buffer | null {
  if (text.length === 0 || text.length % 4 !== 0) return null
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return null
  const bytes = Buffer.from(text, 'base64')
  return bytes.toString('base64') === text ? bytes : null
}

// The public key types OpenSSH reads from known_hosts, and the fields of each after its name.
const KEY_FIELDS: Readonly<Record<string, readonly ('string' | 'mpint')[]>> = {
  'ssh-ed25519': ['string'],
  'ssh-rsa': ['mpint', 'mpint'],
  'ssh-dss': ['mpint', 'mpint', 'mpint', 'mpint'],
  'ecdsa-sha2-nistp256': ['string', 'string'],
  'ecdsa-sha2-nistp384': ['string', 'string'],
  'ecdsa-sha2-nistp521': ['string', 'string'],
  'sk-ssh-ed25519@openssh.com': ['string', 'string'],
  'sk-ecdsa-sha2-nistp256@openssh.com': ['string', 'string', 'string']
}
const ED25519_BYTES = 32
const EC_POINT_BYTES: Readonly<Record<string, number>> = {
  nistp256: 65,
  nistp384: 97,
  nistp521: 133
}

/**
 * True when `blob` is a public key of `declared` type as OpenSSH's sshkey_from_blob would read
 * it: the type inside equals the declared one, every field is there, nothing trails, an
 * Ed25519 key has 32 bytes, an ECDSA key names its own curve and holds an uncompressed point
 * of the curve's size. (Whether that point lies on the curve is not checked.)
 */
export function validKeyBlob(declared: string, blob: Buffer): boolean {
  const fields = KEY_FIELDS[declared]
  if (!fields) return false
  const values: Buffer[] = []
  let at = 0
  for (let field = 0; field <= fields.length; field++) {
    if (at + 4 > blob.length) return false
    const len = blob.readUInt32BE(at)
    if (len > blob.length - at - 4) return false
    values.push(blob.subarray(at + 4, at + 4 + len))
    at += 4 + len
  }
  if (at !== blob.length) return false
  if ((values[0] as Buffer).toString('latin1') !== declared) return false
  if (declared === 'ssh-ed25519' || declared === 'sk-ssh-ed25519@openssh.com') {
    return (values[1] as Buffer).length === ED25519_BYTES
  }
  if (declared.includes('ecdsa-sha2-')) {
    const curve = declared.replace(/^(sk-)?ecdsa-sha2-/, '').replace(/@openssh\.com$/, '')
    const point = values[2] as Buffer
    return (
      (values[1] as Buffer).toString('latin1') === curve &&
      point.length === EC_POINT_BYTES[curve] &&
      point[0] === 4
    )
  }
  return true
}

/** The name OpenSSH looks up for a host and port: `host`, or `[host]:port` when the port is not 22. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`
}

const MAX_PATTERN_BYTES = 1023

/** True when `name` (see {@link knownHostsName}) matches an entry's host list. */
export function matchesHostPatterns(patterns: string, name: string): boolean {
  // Any field starting with | is a hash (OpenSSH's HASH_DELIM), never a pattern list.
  if (patterns.startsWith('|')) return matchesHashed(patterns, name)
  let matched = false
  for (const raw of patterns.split(',')) {
    // OpenSSH's match_pattern_list gives up on the whole list at a pattern of 1,023+ bytes.
    if (Buffer.byteLength(raw) >= MAX_PATTERN_BYTES) return false
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
  // OpenSSH (hostfile.c match_maybe_hashed): the salt is read from the field (20 bytes of
  // base64), `name` is hashed with it, and the whole field must equal the result: anything
  // after the hash (`|1|salt|hash,other`) or a non-canonical encoding matches nothing.
  const parts = field.split('|')
  if (parts.length !== 4 || parts[1] !== '1') return false
  const salt = strictBase64(parts[2] as string)
  if (!salt || salt.length !== SALT_BYTES) return false
  return hashHostName(name, salt) === field
}

const SALT_BYTES = 20

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
  // Deliberately stricter than OpenSSH: a revoked key is refused for every host, not only
  // for the hosts its line names (README, "known_hosts").
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
