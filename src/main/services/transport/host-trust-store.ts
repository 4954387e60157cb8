import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { dirname, join } from 'node:path'
import type { HostKeyDetails } from '../../../shared/errors'
import { ExpectedError } from '../errors'
import {
  checkHostKey,
  fingerprintOf,
  knownHostsName,
  keyTypeOf,
  parseKnownHosts,
  type HostKeyVerdict,
  type KnownHostEntry
} from './known-hosts'
import { hostKeyChanged, hostKeyUnknown } from './needs-user'

/** Options for {@link HostTrustStore}. */
export interface HostTrustStoreOptions {
  /**
   * OpenSSH files read (never written), whatever ~/.ssh/config says (tests). Default: the
   * config's `UserKnownHostsFile` and `GlobalKnownHostsFile` for each host, else
   * `~/.ssh/known_hosts{,2}` and `/etc/ssh/ssh_known_hosts{,2}`.
   */
  readonly knownHostsFiles?: readonly string[]
  /** Slipway's own known_hosts-format file, written by {@link HostTrustStore.trust}. */
  readonly trustedFile: string
}

export type { HostKeyDetails }

/**
 * The known_hosts files ~/.ssh/config names for one host: `UserKnownHostsFile` and
 * `GlobalKnownHostsFile` (each null when the config leaves OpenSSH's default).
 */
export interface KnownHostsFiles {
  readonly user: readonly string[] | null
  readonly global: readonly string[] | null
}

const userDefaults = (): string[] => [
  join(homedir(), '.ssh', 'known_hosts'),
  join(homedir(), '.ssh', 'known_hosts2')
]
const GLOBAL_DEFAULTS = ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2']

/**
 * Host keys Slipway accepts: OpenSSH's known_hosts (hashed entries, `[host]:port`, `@revoked`)
 * plus Slipway's own trusted file. Keys are only added by an explicit {@link trust} call.
 */
export class HostTrustStore {
  /** The fixed OpenSSH files, when the store was given them; else null (per host, see below). */
  readonly knownHostsFiles: readonly string[] | null
  readonly trustedFile: string
  private writing: Promise<void> = Promise.resolve()

  constructor(options: HostTrustStoreOptions) {
    this.knownHostsFiles = options.knownHostsFiles ?? null
    this.trustedFile = options.trustedFile
  }

  /** The OpenSSH files read for a host whose config names `configured` (default files else). */
  filesFor(configured?: KnownHostsFiles): readonly string[] {
    if (this.knownHostsFiles) return this.knownHostsFiles
    return [...(configured?.user ?? userDefaults()), ...(configured?.global ?? GLOBAL_DEFAULTS)]
  }

  /** Every entry of every file, Slipway's own last (missing files are empty). */
  async entries(configured?: KnownHostsFiles): Promise<KnownHostEntry[]> {
    const files = [...this.filesFor(configured), this.trustedFile]
    const texts = await Promise.all(files.map((f) => readFile(f, 'utf8').catch(() => '')))
    return texts.flatMap((t, i) => parseKnownHosts(t, files[i]))
  }

  /** What the files say about `key` presented by `host:port`. */
  async check(
    host: string,
    port: number,
    key: Buffer,
    configured?: KnownHostsFiles
  ): Promise<HostKeyVerdict> {
    return checkHostKey(await this.entries(configured), host, port, key)
  }

  /** Key types already known for a host, so the connection can prefer them. */
  async knownKeyTypes(host: string, port: number, configured?: KnownHostsFiles): Promise<string[]> {
    const verdict = checkHostKey(await this.entries(configured), host, port, Buffer.alloc(0))
    return verdict.kind === 'unknown' ? [...verdict.otherTypes] : []
  }

  /**
   * Throws ExpectedError('host-key-unknown' | 'host-key-changed') unless the key is trusted.
   * A revoked key counts as changed. `host` is the HostKeyAlias when the config sets one.
   */
  async verify(
    host: string,
    port: number,
    key: Buffer,
    configured?: KnownHostsFiles
  ): Promise<void> {
    const verdict = await this.check(host, port, key, configured)
    const details: HostKeyDetails = {
      host,
      port,
      keyType: keyTypeOf(key),
      fingerprint: fingerprintOf(key),
      key: key.toString('base64')
    }
    const where = knownHostsName(host, port)
    switch (verdict.kind) {
      case 'trusted':
        return
      case 'unknown':
        throw hostKeyUnknown(where, details)
      case 'changed':
        throw hostKeyChanged(where, details, verdict, false)
      case 'revoked':
        throw hostKeyChanged(
          where,
          details,
          { source: verdict.source, knownFingerprints: [] },
          true
        )
    }
  }

  /**
   * Adds a key to Slipway's trusted file for `host:port`, replacing any earlier Slipway entry of
   * the same type for that host (known_hosts files are never written).
   */
  async trust(host: string, port: number, keyType: string, keyBase64: string): Promise<void> {
    if (!/^[A-Za-z0-9+/]+=*$/.test(keyBase64)) {
      throw new ExpectedError('bad-request', 'a host key must be base64', { host, port })
    }
    if (!/^[A-Za-z0-9@._-]+$/.test(keyType)) {
      throw new ExpectedError('bad-request', `not a key type: ${keyType}`, { host, port })
    }
    if (!/^[A-Za-z0-9_.:-]+$/.test(host)) {
      throw new ExpectedError('bad-request', `not a host name: ${host}`, { host, port })
    }
    const key = Buffer.from(keyBase64, 'base64')
    if (keyTypeOf(key) !== keyType) {
      throw new ExpectedError('bad-request', `the key is not of type ${keyType}`, { host, port })
    }
    const name = knownHostsName(host, port)
    const task = this.writing.then(async () => {
      const text = await readFile(this.trustedFile, 'utf8').catch(() => '')
      const kept = text.split('\n').filter((line) => {
        const f = line.trim().split(/\s+/)
        return line.trim() !== '' && !(f[0] === name && f[1] === keyType)
      })
      kept.push(`${name} ${keyType} ${keyBase64}`)
      await mkdir(dirname(this.trustedFile), { recursive: true, mode: 0o700 })
      const tmp = `${this.trustedFile}.${process.pid}.tmp`
      await writeFile(tmp, kept.join('\n') + '\n', { mode: 0o600 })
      await rename(tmp, this.trustedFile)
    })
    this.writing = task.catch(() => {})
    await task
  }
}
