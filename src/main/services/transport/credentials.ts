import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join } from 'node:path'
import ssh2, { type ParsedKey } from 'ssh2'
import { passphraseRequired } from './needs-user'

/** Options for {@link CredentialStore}. */
export interface CredentialStoreOptions {
  /** ssh-agent socket; default `$SSH_AUTH_SOCK`; null uses no agent. */
  readonly agentSocket?: string | null
  /** Key files tried after the agent; default `~/.ssh/id_ed25519`, `id_ecdsa`, `id_rsa`. */
  readonly keyFiles?: readonly string[]
}

/** One way to authenticate, in the order they are tried. */
export type Identity =
  | { readonly kind: 'agent'; readonly socket: string }
  | { readonly kind: 'key'; readonly keyFile: string; readonly key: ParsedKey }

/** The identities usable now, and the encrypted keys skipped for want of a passphrase. */
export interface Identities {
  readonly usable: readonly Identity[]
  readonly locked: readonly string[]
}

/**
 * Where SSH identities come from: the agent, then key files. Passphrases of encrypted keys are
 * kept in this object's memory only (never written, never logged).
 */
export class CredentialStore {
  readonly agentSocket: string | null
  readonly keyFiles: readonly string[]
  readonly #passphrases = new Map<string, string>()

  constructor(options: CredentialStoreOptions = {}) {
    const sock = options.agentSocket === undefined ? process.env.SSH_AUTH_SOCK : options.agentSocket
    this.agentSocket = sock ? sock : null
    this.keyFiles =
      options.keyFiles ??
      ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((f) => join(homedir(), '.ssh', f))
  }

  /** Remembers the passphrase of an encrypted key file for this process's lifetime. */
  setPassphrase(keyFile: string, passphrase: string): void {
    this.#passphrases.set(keyFile, passphrase)
  }

  /** Forgets a remembered passphrase. */
  forgetPassphrase(keyFile: string): void {
    this.#passphrases.delete(keyFile)
  }

  /** True when a passphrase is remembered for the file. */
  hasPassphrase(keyFile: string): boolean {
    return this.#passphrases.has(keyFile)
  }

  /**
   * The identities to try: the agent, then `extraKeyFiles` (from ~/.ssh/config) and this
   * store's key files that exist. A wrong remembered passphrase is forgotten and throws
   * ExpectedError('passphrase-required', …, { keyFile, wrong: true }).
   */
  async identities(extraKeyFiles: readonly string[] = []): Promise<Identities> {
    const usable: Identity[] = []
    const locked: string[] = []
    if (this.agentSocket && existsSync(this.agentSocket)) {
      usable.push({ kind: 'agent', socket: this.agentSocket })
    }
    const files = [...new Set([...extraKeyFiles, ...this.keyFiles])]
    for (const keyFile of files) {
      const data = await readFile(keyFile).catch(() => null)
      if (data === null) continue
      const passphrase = this.#passphrases.get(keyFile)
      const parsed = ssh2.utils.parseKey(data, passphrase)
      if (parsed instanceof Error) {
        if (/passphrase/i.test(parsed.message) || /encrypted/i.test(parsed.message)) {
          if (passphrase !== undefined) {
            this.#passphrases.delete(keyFile)
            throw passphraseRequired(`wrong passphrase for ${keyFile}`, {
              keyFile,
              keyFiles: [keyFile],
              wrong: true
            })
          }
          locked.push(keyFile)
        }
        continue
      }
      const key = Array.isArray(parsed) ? parsed[0] : parsed
      if (key && key.isPrivateKey()) usable.push({ kind: 'key', keyFile, key })
    }
    return { usable, locked }
  }
}
