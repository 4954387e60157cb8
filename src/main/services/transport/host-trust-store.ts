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
  /** OpenSSH files read (never written); default `~/.ssh/known_hosts{,2}` and `/etc/ssh/ssh_known_hosts`. */
  readonly knownHostsFiles?: readonly string[]
  /** Slipway's own known_hosts-format file, written by {@link HostTrustStore.trust}. */
  readonly trustedFile: string
}

export type { HostKeyDetails }

/**
 * Host keys Slipway accepts: OpenSSH's known_hosts (hashed entries, `[host]:port`, `@revoked`)
 * plus Slipway's own trusted file. Keys are only added by an explicit {@link trust} call.
 */
export class HostTrustStore {
  readonly knownHostsFiles: readonly string[]
  readonly trustedFile: string
  private writing: Promise<void> = Promise.resolve()

  constructor(options: HostTrustStoreOptions) {
    this.knownHostsFiles = options.knownHostsFiles ?? [
      join(homedir(), '.ssh', 'known_hosts'),
      join(homedir(), '.ssh', 'known_hosts2'),
      '/etc/ssh/ssh_known_hosts'
    ]
    this.trustedFile = options.trustedFile
  }

  /** Every entry of every file (missing files are empty). */
  async entries(): Promise<KnownHostEntry[]> {
    const files = [...this.knownHostsFiles, this.trustedFile]
    const texts = await Promise.all(files.map((f) => readFile(f, 'utf8').catch(() => '')))
    return texts.flatMap((t, i) => parseKnownHosts(t, files[i]))
  }

  /** What the files say about `key` presented by `host:port`. */
  async check(host: string, port: number, key: Buffer): Promise<HostKeyVerdict> {
    return checkHostKey(await this.entries(), host, port, key)
  }

  /** Key types already known for a host, so the connection can prefer them. */
  async knownKeyTypes(host: string, port: number): Promise<string[]> {
    const verdict = checkHostKey(await this.entries(), host, port, Buffer.alloc(0))
    return verdict.kind === 'unknown' ? [...verdict.otherTypes] : []
  }

  /**
   * Throws ExpectedError('host-key-unknown' | 'host-key-changed') unless the key is trusted.
   * A revoked key counts as changed.
   */
  async verify(host: string, port: number, key: Buffer): Promise<void> {
    const verdict = await this.check(host, port, key)
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
