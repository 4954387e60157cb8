// A slow, deeply buffered uplink in front of a real sshd: what a laptop sends waits in a queue
// (as in a home router), so a command's channel request sits behind an upload's bytes.
import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer, connect, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ExpectedError } from '../errors'
import { sshdUnavailableReason, startSshFleet, type SshTestFleet } from '../../testing/sshd-hosts'
import { connectTransport } from './connect'
import { CredentialStore } from './credentials'
import { HostTrustStore } from './host-trust-store'
import type { TransportContext } from './types'

const unavailable = sshdUnavailableReason()
const UPLINK_BYTES_PER_S = 512 * 1024

/**
 * A TCP proxy on 127.0.0.1 to `target` that passes what the client sends at `rate` bytes per
 * second, queueing the rest without limit; the other direction is not slowed.
 */
function slowUplink(
  target: { host: string; port: number },
  rate: number
): Promise<{ port: number; server: Server; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>()
  const server = createServer((client) => {
    const upstream = connect(target.port, target.host)
    sockets.add(client).add(upstream)
    const queue: Buffer[] = []
    const tick = 50
    const timer = setInterval(() => {
      let budget = Math.floor((rate * tick) / 1000)
      while (budget > 0 && queue.length > 0) {
        const head = queue[0] as Buffer
        const part = head.subarray(0, budget)
        upstream.write(part)
        budget -= part.length
        if (part.length === head.length) queue.shift()
        else queue[0] = head.subarray(part.length)
      }
    }, tick)
    client.on('data', (chunk: Buffer) => queue.push(chunk))
    upstream.pipe(client)
    const end = (): void => {
      clearInterval(timer)
      client.destroy()
      upstream.destroy()
    }
    client.on('close', end).on('error', end)
    upstream.on('close', end).on('error', end)
  })
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      resolve({ port: typeof address === 'object' && address ? address.port : 0, server, sockets })
    })
  )
}

describe.skipIf(unavailable !== null)(`a saturated uplink, real sshd ${unavailable ?? ''}`, () => {
  let fleet: SshTestFleet
  let scratch: string
  let ctx: TransportContext
  let proxy: Awaited<ReturnType<typeof slowUplink>>

  beforeAll(async () => {
    fleet = await startSshFleet(1, { firstAddress: 171 })
    scratch = await mkdtemp(join(tmpdir(), 'slipway-slow-uplink-'))
    const [h] = fleet.hosts
    proxy = await slowUplink({ host: h.address, port: h.port }, UPLINK_BYTES_PER_S)
    await writeFile(join(scratch, 'known_hosts'), `slow-alias ${h.hostPublicKey.trim()}\n`)
    await writeFile(
      join(scratch, 'ssh_config'),
      [
        'Host slow-link',
        '  HostName 127.0.0.1',
        `  Port ${proxy.port}`,
        `  User ${fleet.user}`,
        '  HostKeyAlias slow-alias',
        `  UserKnownHostsFile ${join(scratch, 'known_hosts')}`,
        ''
      ].join('\n')
    )
    ctx = {
      workspacePath: scratch,
      trust: new HostTrustStore({ trustedFile: join(scratch, 'trusted') }),
      credentials: new CredentialStore({ agentSocket: null, keyFiles: [fleet.userKeyFile] }),
      sshConfigPath: join(scratch, 'ssh_config'),
      connectTimeoutMs: 20_000
    }
  })
  afterAll(async () => {
    for (const s of proxy?.sockets ?? []) s.destroy()
    proxy?.server.close()
    await fleet?.stop()
    if (scratch) await rm(scratch, { recursive: true, force: true })
  })

  it('a command that times out behind an upload fails alone: the upload completes, the connection stays', async () => {
    const bytes = randomBytes(3 * 1024 * 1024)
    const file = join(scratch, 'release.bin')
    await writeFile(file, bytes)
    const remote = `${fleet.hosts[0].deployPath}/release.bin`
    const transport = await connectTransport(
      { host: 'slow-link', path: fleet.hosts[0].deployPath },
      ctx
    )
    try {
      const pending: { command: Promise<unknown> | null } = { command: null }
      const upload = transport.upload(file, remote, {
        onProgress: (sent) => {
          // Once the upload's window is queued on the uplink, a short command asks for a channel.
          if (sent > 0 && !pending.command) {
            pending.command = transport.exec('echo heartbeat', { timeoutMs: 1000 }).then(
              () => null,
              (e: unknown) => e
            )
          }
        }
      })
      await upload
      const failed = await pending.command
      expect(failed).toBeInstanceOf(ExpectedError)
      expect((failed as ExpectedError).code).toBe('timeout')
      // The host's deploy folder, as this machine sees it.
      const arrived = await readFile(join(fleet.hosts[0].hostDir, 'release.bin'))
      expect(arrived.equals(bytes)).toBe(true)
      expect((await transport.exec('echo still connected')).stdout.trim()).toBe('still connected')
    } finally {
      await transport.close()
    }
  }, 120_000)
})
