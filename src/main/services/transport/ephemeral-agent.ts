import ssh2, { type ParsedKey } from 'ssh2'
import type { IdentityCallback, SignCallback, SigningRequestOptions } from 'ssh2'
import { Duplex } from 'node:stream'

/**
 * An SSH agent that exists only in this process and holds one ed25519 key made for one
 * purpose (a deployment's fan-out). The private half is never written to any disk, here or on
 * a host: a host the agent is forwarded to can ask it to sign only while that connection lives
 * and only until {@link close}; it holds no other key (never the user's own agent or keys).
 */
export class EphemeralAgent extends ssh2.BaseAgent<ParsedKey> {
  /** The public key as one authorized_keys line without options: `ssh-ed25519 AAAA… comment`. */
  readonly publicLine: string
  readonly #public: ParsedKey
  #private: ParsedKey | null

  constructor(comment: string) {
    super()
    if (!/^[A-Za-z0-9._-]+$/.test(comment)) throw new Error(`bad key comment: ${comment}`)
    const pair = generatePair(comment)
    this.#private = pair.private
    this.#public = pair.public
    this.publicLine = `${this.#public.type} ${this.#public.getPublicSSH().toString('base64')} ${comment}`
  }

  /** True until {@link close}. */
  get open(): boolean {
    return this.#private !== null
  }

  /** Forgets the private key: nothing can be signed with it any more, by anyone. */
  close(): void {
    this.#private = null
  }

  getIdentities(cb: IdentityCallback<ParsedKey>): void {
    cb(null, this.#private ? [this.#public] : [])
  }

  sign(
    pubKey: ParsedKey,
    data: Buffer,
    options: SigningRequestOptions | SignCallback,
    cb?: SignCallback
  ): void {
    const done = typeof options === 'function' ? options : cb
    const signature = this.#signFor(pubKey, data)
    if (signature) done?.(null, signature)
    else done?.(new Error('this agent holds no such key'))
  }

  /**
   * The agent protocol (server side) for a host that forwarded a request to this agent. Our
   * own small parser: ssh2's AgentProtocol loses its framing on a message it does not know
   * (OpenSSH 8.9+ sends `session-bind@openssh.com` first), then answers garbage.
   */
  getStream(cb: (err?: Error | null, stream?: Duplex) => void): void {
    let buffer = Buffer.alloc(0)
    const stream = new PassThroughAgent((chunk) => {
      buffer = Buffer.concat([buffer, chunk])
      while (buffer.length >= 4) {
        const length = buffer.readUInt32BE(0)
        if (length > 256 * 1024) return stream.destroy()
        if (buffer.length < 4 + length) break
        const message = buffer.subarray(4, 4 + length)
        buffer = buffer.subarray(4 + length)
        stream.push(frame(this.#answer(message)))
      }
    })
    cb(null, stream)
  }

  /** One reply: identities (11 → 12), a signature (13 → 14), else failure (5). */
  #answer(message: Buffer): Buffer {
    const type = message[0]
    if (type === 11) {
      if (!this.#private) return Buffer.from([12, 0, 0, 0, 0])
      return Buffer.concat([
        Buffer.from([12, 0, 0, 0, 1]),
        str(this.#public.getPublicSSH()),
        str(Buffer.from(this.#public.comment))
      ])
    }
    if (type === 13) {
      const blob = readString(message, 1)
      const data = blob ? readString(message, blob.next) : null
      const signature = blob && data ? this.#signFor(blob.value, data.value) : null
      if (!signature) return Buffer.from([5])
      return Buffer.concat([
        Buffer.from([14]),
        str(Buffer.concat([str(Buffer.from(this.#public.type)), str(signature)]))
      ])
    }
    return Buffer.from([5])
  }

  #signFor(pubKey: ParsedKey | Buffer | string, data: Buffer): Buffer | null {
    if (!this.#private || !this.#public.equals(pubKey)) return null
    return this.#private.sign(data)
  }
}

/**
 * An ed25519 pair from ssh2, parsed. ssh2 drops a public key's leading zero byte when it writes
 * the pair (1 key in 256 starts with one), and then cannot read its own private key ("Malformed
 * OpenSSH private key"): such a pair is made again. 20 failures in a row would take odds of
 * 1 in 256^20.
 */
function generatePair(comment: string): { private: ParsedKey; public: ParsedKey } {
  let last: unknown = null
  for (let attempt = 0; attempt < 20; attempt++) {
    const pair = ssh2.utils.generateKeyPairSync('ed25519', { comment })
    try {
      return { private: parsed(pair.private), public: parsed(pair.public) }
    } catch (error) {
      last = error
    }
  }
  throw last instanceof Error ? last : new Error('could not make an ed25519 key pair')
}

function parsed(text: string): ParsedKey {
  const key = ssh2.utils.parseKey(text)
  if (key instanceof Error) throw key
  return Array.isArray(key) ? (key[0] as ParsedKey) : key
}

/** A duplex whose writes go to `onData` and whose reads are what it pushes. */
class PassThroughAgent extends Duplex {
  constructor(private readonly onData: (chunk: Buffer) => void) {
    super()
  }
  override _read(): void {}
  override _write(chunk: Buffer, _enc: BufferEncoding, done: (e?: Error | null) => void): void {
    this.onData(chunk)
    done()
  }
}

function str(b: Buffer): Buffer {
  const len = Buffer.alloc(4)
  len.writeUInt32BE(b.length)
  return Buffer.concat([len, b])
}

const frame = str

function readString(b: Buffer, at: number): { value: Buffer; next: number } | null {
  if (at + 4 > b.length) return null
  const len = b.readUInt32BE(at)
  if (at + 4 + len > b.length) return null
  return { value: b.subarray(at + 4, at + 4 + len), next: at + 4 + len }
}
