import type { Duplex } from 'node:stream'
import { Client, type AnyAuthMethod, type BaseAgent } from 'ssh2'
import { timeoutText } from '../../../shared/timeouts'
import { ExpectedError } from '../errors'
import { keysRefusedMessage, noIdentityMessage, socketFailureMessage } from './connect-advice'
import { keyTypeOf } from './known-hosts'
import { passphraseRequired } from './needs-user'
import type { CredentialStore } from './credentials'
import type { HostTrustStore, KnownHostsFiles } from './host-trust-store'

/** Where and as whom to open one SSH connection. */
export interface SshEndpoint {
  /** Name or address to connect to (after ~/.ssh/config HostName). */
  readonly hostName: string
  readonly port: number
  readonly user: string
  /** IdentityFile entries from ~/.ssh/config, tried before the store's key files. */
  readonly identityFiles: readonly string[]
  /** `HostKeyAlias`: host keys are looked up (and trusted) under this name, without the port. */
  readonly hostKeyAlias?: string
  /** `UserKnownHostsFile` / `GlobalKnownHostsFile` from ~/.ssh/config (null: the default). */
  readonly knownHostsFiles?: KnownHostsFiles
  /** `BindAddress`: the local IP address the connection is made from (direct hops only). */
  readonly bindAddress?: string
}

/** What {@link openSshClient} needs besides the endpoint. */
export interface SshConnectContext {
  readonly trust: HostTrustStore
  readonly credentials: CredentialStore
  readonly connectTimeoutMs: number
}

/** The host key each open connection was verified with (OpenSSH form: `type base64`). */
const verifiedKeys = new WeakMap<Client, string>()

/** The host key `client` verified at connect (`ssh-ed25519 AAAA…`), or null. */
export function verifiedHostKey(client: Client): string | null {
  return verifiedKeys.get(client) ?? null
}

const HOST_KEY_ALGORITHMS = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa'
]

/**
 * Opens one authenticated ssh2 connection (over `sock` when hopping through a jump host):
 * host key verified by the trust store, agent then key files, keepalive on. Failures are
 * ExpectedError: 'host-key-unknown' | 'host-key-changed' | 'passphrase-required' | 'unreachable'.
 */
export async function openSshClient(
  endpoint: SshEndpoint,
  ctx: SshConnectContext,
  sock?: Duplex,
  /** An agent forwarded to the host on every session of this connection (fan-out only). */
  forwardAgent?: BaseAgent
): Promise<Client> {
  const where = `${endpoint.user}@${endpoint.hostName}:${endpoint.port}`
  const details = { host: endpoint.hostName, port: endpoint.port, user: endpoint.user }
  const { usable, locked } = await ctx.credentials.identities(endpoint.identityFiles)
  if (usable.length === 0) {
    if (locked.length > 0) {
      throw passphraseRequired(`the key ${locked[0]} needs its passphrase`, {
        ...details,
        keyFile: locked[0],
        keyFiles: locked
      })
    }
    throw new ExpectedError('unreachable', noIdentityMessage(endpoint), {
      ...details,
      reason: 'no-identity'
    })
  }
  const auth: AnyAuthMethod[] = usable.map((id) =>
    id.kind === 'agent'
      ? { type: 'agent', username: endpoint.user, agent: id.socket }
      : { type: 'publickey', username: endpoint.user, key: id.key }
  )
  // Ask for a key type we already know first, as OpenSSH does, so a host with several keys
  // is not mistaken for an unknown one.
  // OpenSSH looks a HostKeyAlias up as it is, never as `[alias]:port`.
  const keyHost = endpoint.hostKeyAlias ?? endpoint.hostName
  const keyPort = endpoint.hostKeyAlias ? 22 : endpoint.port
  const files = endpoint.knownHostsFiles
  const known = await ctx.trust.knownKeyTypes(keyHost, keyPort, files)
  const preferred = known.flatMap((t) =>
    t === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [t]
  )
  const serverHostKey = [...new Set([...preferred, ...HOST_KEY_ALGORITHMS])].filter((a) =>
    HOST_KEY_ALGORITHMS.includes(a)
  )

  const client = new Client()
  let hostKeyError: unknown = null
  return new Promise<Client>((resolve, reject) => {
    const onError = (err: Error & { level?: string; code?: string }): void => {
      client.removeListener('ready', onReady)
      // Late errors of a connection given up on must not surface as unhandled.
      client.on('error', () => {})
      client.end()
      if (hostKeyError) return reject(hostKeyError)
      if (err.level === 'client-authentication') {
        if (locked.length > 0) {
          return reject(
            passphraseRequired(
              `${where} refused the available keys; the key ${locked[0]} needs its passphrase`,
              { ...details, keyFile: locked[0], keyFiles: locked }
            )
          )
        }
        const tried = usable.map((u) => (u.kind === 'agent' ? 'ssh-agent' : u.keyFile))
        return reject(
          new ExpectedError('unreachable', keysRefusedMessage(endpoint, tried), {
            ...details,
            reason: 'authentication',
            tried
          })
        )
      }
      if (err.level === 'client-timeout') {
        return reject(
          new ExpectedError(
            'unreachable',
            `${where} did not answer within ${timeoutText(ctx.connectTimeoutMs, 'timeouts.connectSeconds')}`,
            { ...details, reason: 'timeout', timeoutMs: ctx.connectTimeoutMs }
          )
        )
      }
      reject(
        new ExpectedError('unreachable', socketFailureMessage(endpoint, err.code, err.message), {
          ...details,
          reason: err.code ?? err.level ?? 'error'
        })
      )
    }
    const onReady = (): void => {
      client.removeListener('error', onError)
      // The transport built on this client listens for 'error' and 'close'; until then (while
      // later hops connect) an error must not be unhandled — 'close' follows it.
      client.on('error', () => {})
      // Small request/response packets: without this, Nagle + delayed ACK add ~40 ms per command.
      if (!sock) client.setNoDelay(true)
      resolve(client)
    }
    let ended = false
    client.once('close', () => (ended = true))
    client.once('ready', onReady)
    client.once('error', onError)
    client.connect({
      host: endpoint.hostName,
      port: endpoint.port,
      username: endpoint.user,
      ...(sock ? { sock } : {}),
      ...(!sock && endpoint.bindAddress ? { localAddress: endpoint.bindAddress } : {}),
      readyTimeout: ctx.connectTimeoutMs,
      keepaliveInterval: 10_000,
      keepaliveCountMax: 3,
      algorithms: { serverHostKey: serverHostKey as never },
      authHandler: auth,
      // Only ever the agent given here (never the user's): `authHandler` lists what signs in.
      ...(forwardAgent ? { agent: forwardAgent, agentForward: true } : {}),
      hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => {
        // The check reads files, so the connection may end (timeout, the peer, a close) before
        // it answers; ssh2 then throws from verify() (`protocol._destruct is not a function`),
        // which would surface as an unhandled rejection. A late answer has nobody to tell.
        const answer = (ok: boolean): void => {
          if (ended) return
          try {
            verify(ok)
          } catch {
            // The connection is gone; its 'close' already settled this attempt.
          }
        }
        ctx.trust.verify(keyHost, keyPort, key, files).then(
          () => {
            verifiedKeys.set(client, `${keyTypeOf(key)} ${key.toString('base64')}`)
            answer(true)
          },
          (e: unknown) => {
            hostKeyError = e
            answer(false)
          }
        )
      }
    })
  })
}
