// Timeouts against a frozen peer: a real sshd whose every process is stopped with SIGSTOP.
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { EnvironmentConfig } from '../../../shared/config-schema'
import { connectHosts, closeHosts, type ConnectedHost } from '../deploy/connect-hosts'
import { execChecked } from '../deploy/remote'
import { ExpectedError } from '../errors'
import { freezeHost } from '../../testing/freeze-host'
import { sshdUnavailableReason, startSshFleet, type SshTestFleet } from '../../testing/sshd-hosts'
import { CredentialStore } from './credentials'
import { HostTrustStore } from './host-trust-store'
import type { Transport, TransportContext } from './types'

const unavailable = sshdUnavailableReason()

async function failure(p: Promise<unknown>): Promise<ExpectedError> {
  try {
    await p
  } catch (e) {
    if (e instanceof ExpectedError) return e
    throw e
  }
  throw new Error('expected a failure')
}

describe.skipIf(unavailable !== null)('timeouts against a frozen sshd', () => {
  let fleet: SshTestFleet
  let scratch: string
  let ctx: TransportContext
  let thaw: (() => void) | null = null
  let open: ConnectedHost[] = []

  beforeAll(async () => {
    fleet = await startSshFleet(1, { firstAddress: 101 })
    scratch = await mkdtemp(join(tmpdir(), 'slipway-ssh-timeouts-'))
    ctx = {
      workspacePath: scratch,
      trust: new HostTrustStore({
        knownHostsFiles: [fleet.knownHostsFile],
        trustedFile: join(scratch, 'trusted')
      }),
      credentials: new CredentialStore({ agentSocket: null, keyFiles: [fleet.userKeyFile] }),
      sshConfigPath: null,
      // What the environment's timeouts do not say (a loaded machine's handshake).
      connectTimeoutMs: 20_000
    }
  })
  afterEach(async () => {
    thaw?.()
    thaw = null
    await closeHosts(open)
    open = []
  })
  afterAll(async () => {
    thaw?.()
    await fleet?.stop()
    if (scratch) await rm(scratch, { recursive: true, force: true })
  })

  function env(timeouts: EnvironmentConfig['timeouts']): EnvironmentConfig {
    const h = fleet.hosts[0]
    return {
      name: 'production',
      hosts: [{ host: `${h.address}:${h.port}`, path: h.deployPath, name: h.name }],
      keepReleases: 5,
      timeouts
    }
  }

  async function connected(timeouts: EnvironmentConfig['timeouts']): Promise<Transport> {
    open = await connectHosts(env(timeouts), ctx)
    const host = open[0]
    if (host.kind !== 'connected') throw host.error
    return host.transport
  }

  it('gives up connecting after timeouts.connectSeconds and says so', async () => {
    thaw = freezeHost(fleet.hosts[0])
    const started = Date.now()
    open = await connectHosts(env({ connectSeconds: 1 }), ctx)
    const elapsed = Date.now() - started
    const host = open[0]
    expect(host.kind).toBe('failed')
    const error = (host as ConnectedHost & { kind: 'failed' }).error as ExpectedError
    expect(error.code).toBe('unreachable')
    expect(error.message).toMatch(/did not answer within 1 s \(timeouts\.connectSeconds\)$/)
    // The caller's 20 s did not apply: the environment's own setting wins.
    expect(elapsed).toBeLessThan(6000)
  })

  it('stops a command on a host that froze after timeouts.commandSeconds, naming the step', async () => {
    const transport = await connected({ commandSeconds: 1 })
    expect((await transport.exec('echo ready')).stdout).toBe('ready\n')
    thaw = freezeHost(fleet.hosts[0])
    const started = Date.now()
    const error = await failure(execChecked(transport, 'read host', 'echo never'))
    expect(error.code).toBe('timeout')
    expect(error.message).toBe(
      `${fleet.hosts[0].name}: read host did not finish within 1 s (timeouts.commandSeconds)`
    )
    // One second, then at most the 2 s wait for a close the frozen host never answers.
    expect(Date.now() - started).toBeLessThan(6000)
  })

  it('after a frozen host timed out once, fails its next commands at once and closes anyway', async () => {
    const transport = await connected({ commandSeconds: 1 })
    thaw = freezeHost(fleet.hosts[0])
    expect((await failure(transport.exec('true'))).code).toBe('timeout')
    // The host answered nothing, not even the channel: the connection is given up.
    const started = Date.now()
    const next = await failure(transport.exec('true'))
    expect(next.code).toBe('unreachable')
    expect(next.message).toMatch(
      /connection lost \(no answer within 1 s \(timeouts\.commandSeconds\)\)/
    )
    expect(Date.now() - started).toBeLessThan(500)
    // The frozen host never closes its side: close() drops the socket after its grace period.
    await transport.close()
    expect(Date.now() - started).toBeLessThan(8000)
  })

  it('stops a command that hangs on a live host and kills what it started', async () => {
    const transport = await connected({ commandSeconds: 1 })
    const error = await failure(transport.exec('sleep 300; echo late'))
    expect(error.message).toMatch(/command did not finish within 1 s \(timeouts\.commandSeconds\)$/)
    // The remote group was killed: no `sleep 300` is left on the host.
    for (let i = 0; i < 50; i++) {
      if (!fleet.hosts[0].processes().some((p) => p.command.includes('sleep 300'))) break
      await new Promise((r) => setTimeout(r, 50))
    }
    expect(fleet.hosts[0].processes().map((p) => p.command)).not.toContainEqual(
      expect.stringContaining('sleep 300')
    )
  })

  it('gives up an upload into a frozen host after timeouts.uploadStallSeconds without a byte', async () => {
    const file = join(scratch, 'big.bin')
    await writeFile(file, randomBytes(96 * 1024 * 1024))
    const transport = await connected({ uploadStallSeconds: 1 })
    let frozenAt = -1
    let lastSent = 0
    const started = Date.now()
    const error = await failure(
      transport.upload(file, `${fleet.hosts[0].deployPath}/big.bin`, {
        onProgress: (sent) => {
          lastSent = sent
          // The host freezes once the transfer is under way.
          if (sent > 0 && frozenAt < 0) {
            frozenAt = sent
            thaw = freezeHost(fleet.hosts[0])
          }
        }
      })
    )
    expect(frozenAt).toBeGreaterThan(0)
    expect(lastSent).toBeLessThan(96 * 1024 * 1024)
    expect(error.code).toBe('timeout')
    expect(error.message).toMatch(
      /upload to \/\S+\/big\.bin stalled: no byte acknowledged for 1 s \(timeouts\.uploadStallSeconds\)$/
    )
    expect(Date.now() - started).toBeLessThan(10_000)
  })
})
