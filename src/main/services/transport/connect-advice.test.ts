import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { HostConfig } from '../../../shared/config-schema'
import type { ExpectedError } from '../errors'
import { freePort } from '../../testing/ports'
import { sshdUnavailableReason, startSshFleet, type SshTestFleet } from '../../testing/sshd-hosts'
import { removeDir, tempDir } from '../../testing/temp-dir'
import { connectTransport } from './connect'
import { CredentialStore } from './credentials'
import { HostTrustStore } from './host-trust-store'
import type { TransportContext } from './types'

// Each way an SSH connection fails says what to do next, in the error itself: the board, the
// deploy dialog and the CLI show the message as it is.

async function failure(p: Promise<unknown>): Promise<ExpectedError> {
  try {
    await p
  } catch (e) {
    return e as ExpectedError
  }
  throw new Error('expected a failure')
}

const unavailable = sshdUnavailableReason()

describe.skipIf(unavailable !== null)(
  `connection errors with next steps ${unavailable ?? ''}`,
  () => {
    let fleet: SshTestFleet
    let scratch: string
    let ctx: TransportContext
    let host: HostConfig

    beforeAll(async () => {
      fleet = await startSshFleet(1, { firstAddress: 187 })
      scratch = await tempDir('slipway-connect-advice-')
      const h = fleet.hosts[0]
      host = { host: `${h.address}:${h.port}`, user: fleet.user, path: h.deployPath }
      ctx = {
        workspacePath: scratch,
        trust: new HostTrustStore({
          knownHostsFiles: [fleet.knownHostsFile],
          trustedFile: join(scratch, 'trusted')
        }),
        credentials: new CredentialStore({ agentSocket: null, keyFiles: [fleet.userKeyFile] }),
        sshConfigPath: null,
        connectTimeoutMs: 20_000
      }
    }, 60_000)

    afterAll(async () => {
      await fleet?.stop()
      if (scratch) await removeDir(scratch)
    })

    it('connects with the fleet key (the setup the failures below differ from)', async () => {
      const t = await connectTransport(host, ctx)
      expect((await t.exec('echo ok')).stdout).toBe('ok\n')
      await t.close()
    })

    it('no SSH identity: add a key with ssh-add, or set IdentityFile for this host', async () => {
      const none = new CredentialStore({ agentSocket: null, keyFiles: [join(scratch, 'missing')] })
      const e = await failure(connectTransport(host, { ...ctx, credentials: none }))
      const h = fleet.hosts[0]
      expect(e.code).toBe('unreachable')
      expect(e.message).toBe(
        `no SSH identity for ${fleet.user}@${h.address}:${h.port} (no ssh-agent and no key file found): ` +
          'add a key with ssh-add, or set IdentityFile for this host in ~/.ssh/config'
      )
      expect(e.details).toMatchObject({ reason: 'no-identity' })
    })

    it('a key the host does not accept: names the keys tried and where to authorise one', async () => {
      const stranger = join(scratch, 'stranger_ed25519')
      const made = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', stranger])
      expect(made.status).toBe(0)
      const other = new CredentialStore({ agentSocket: null, keyFiles: [stranger] })
      const e = await failure(connectTransport(host, { ...ctx, credentials: other }))
      expect(e.code).toBe('unreachable')
      expect(e.message).toContain(`refused every SSH key offered (${stranger})`)
      expect(e.message).toContain(
        `add this machine's public key to ~${fleet.user}/.ssh/authorized_keys`
      )
      expect(e.message).toContain('or set IdentityFile for this host')
    })

    it('connection refused: is sshd running on HOST:PORT?', async () => {
      // A port nobody listens on, on the fleet host's own address.
      const address = fleet.hosts[0].address
      const port = await freePort(address)
      const e = await failure(
        connectTransport({ host: `${address}:${port}`, user: 'deploy', path: '/srv/x' }, ctx)
      )
      expect(e.code).toBe('unreachable')
      expect(e.message).toBe(
        `cannot reach deploy@${address}:${port}: connection refused. Is sshd running on ${address}:${port}?`
      )
    })

    it('a name that does not resolve says so and where the name comes from', async () => {
      const e = await failure(
        connectTransport({ host: 'no-such-host.invalid', user: 'deploy', path: '/srv/x' }, ctx)
      )
      expect(e.code).toBe('unreachable')
      expect(e.message).toContain(
        'cannot reach deploy@no-such-host.invalid:22: the name no-such-host.invalid does not resolve.'
      )
      expect(e.message).toContain('Check the host in slipway.yml')
    })
  }
)
