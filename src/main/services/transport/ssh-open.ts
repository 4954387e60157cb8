import type { Duplex } from 'node:stream'
import type { BaseAgent, Client } from 'ssh2'
import { ExpectedError } from '../errors'
import { openSshClient, type SshConnectContext, type SshEndpoint } from './ssh-connect'
import { SshTransport } from './ssh-transport'
import type { Transport } from './types'

/** Options for {@link connectSshTransport}. */
export interface SshTransportOptions {
  readonly label: string
  readonly basePath: string
  readonly endpoint: SshEndpoint
  /** Jump hosts, first hop first (ProxyJump). */
  readonly jumps?: readonly SshEndpoint[]
  /** Commands without their own timeout stop after this long (`timeouts.commandSeconds`). */
  readonly commandTimeoutMs?: number
  /** An upload with no byte acknowledged for this long fails (`timeouts.uploadStallSeconds`). */
  readonly uploadStallMs?: number
}

/**
 * Connects to a host (through its jump hosts, if any) and wraps the one connection as a
 * {@link Transport}: at most {@link MAX_CHANNELS} commands at once, uploads over one SFTP
 * session, every in-flight call failing with 'unreachable' if the connection drops.
 */
export async function connectSshTransport(
  options: SshTransportOptions,
  ctx: SshConnectContext
): Promise<Transport> {
  const clients = await openHops(options, ctx)
  const reopen = async (agent?: BaseAgent): Promise<Transport> =>
    new SshTransport(options, await openHops(options, ctx, agent))
  return new SshTransport(options, clients, reopen)
}

/** Opens every hop in turn; `forwardAgent` is forwarded to the last hop only. */
async function openHops(
  options: SshTransportOptions,
  ctx: SshConnectContext,
  forwardAgent?: BaseAgent
): Promise<Client[]> {
  const hops = [...(options.jumps ?? []), options.endpoint]
  const clients: Client[] = []
  try {
    let sock: Duplex | undefined
    for (let i = 0; i < hops.length; i++) {
      const last = i === hops.length - 1
      const client = await openSshClient(hops[i], ctx, sock, last ? forwardAgent : undefined)
      clients.push(client)
      const next = hops[i + 1]
      if (next) sock = await forward(client, hops[i], next)
    }
  } catch (e) {
    for (const c of clients) c.end()
    throw e
  }
  return clients
}

function forward(client: Client, via: SshEndpoint, to: SshEndpoint): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    client.forwardOut('127.0.0.1', 0, to.hostName, to.port, (err, stream) => {
      if (err) {
        reject(
          new ExpectedError(
            'unreachable',
            `jump host ${via.hostName} cannot reach ${to.hostName}:${to.port}: ${err.message}` +
              (/refused/i.test(err.message)
                ? `. Is sshd running on ${to.hostName}:${to.port}?`
                : ''),
            { host: to.hostName, port: to.port, jump: via.hostName }
          )
        )
      } else {
        // Its failure surfaces as the next hop's connection error.
        stream.on('error', () => {})
        resolve(stream)
      }
    })
  })
}
