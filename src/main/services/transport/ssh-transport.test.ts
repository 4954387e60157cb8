import { spawn, spawnSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { HostConfig } from '../../../shared/config-schema'
import type { ExpectedError } from '../errors'
import { connectTransport } from './connect'
import { CredentialStore } from './credentials'
import { HostTrustStore } from './host-trust-store'
import { shellQuote } from './shell-quote'
import {
  sshdUnavailableReason,
  startSshFleet,
  type SshTestFleet,
  type SshTestHost
} from '../../testing/sshd-hosts'
import type { TransportContext } from './types'

const unavailable = sshdUnavailableReason()

/** Awaits a promise expected to fail and returns its ExpectedError. */
async function failure(p: Promise<unknown>): Promise<ExpectedError> {
  try {
    await p
  } catch (e) {
    return e as ExpectedError
  }
  throw new Error('expected a failure')
}

describe.skipIf(unavailable !== null)(
  `ssh transport against real sshd ${unavailable ?? ''}`,
  () => {
    let fleet: SshTestFleet
    let scratch: string
    let ctx: TransportContext
    const hostConfig = (h: SshTestHost): HostConfig => ({
      host: `${h.address}:${h.port}`,
      path: h.deployPath
    })

    beforeAll(async () => {
      fleet = await startSshFleet(4, { firstAddress: 31 })
      scratch = await mkdtemp(join(tmpdir(), 'slipway-ssh-test-'))
      ctx = {
        workspacePath: scratch,
        trust: new HostTrustStore({
          knownHostsFiles: [fleet.knownHostsFile],
          trustedFile: join(scratch, 'trusted')
        }),
        credentials: new CredentialStore({ agentSocket: null, keyFiles: [fleet.userKeyFile] }),
        sshConfigPath: null,
        // Refused connections fail at once; this only bounds a handshake on a loaded machine.
        connectTimeoutMs: 20_000
      }
    })

    afterAll(async () => {
      await fleet?.stop()
      if (scratch) await rm(scratch, { recursive: true, force: true })
    })

    it('runs commands and uploads on two hosts, each seeing its own folder', async () => {
      const [a, b] = fleet.hosts
      await writeFile(join(a.hostDir, 'whoami'), 'a')
      await writeFile(join(b.hostDir, 'whoami'), 'b')
      const [ta, tb] = await Promise.all([
        connectTransport(hostConfig(a), ctx),
        connectTransport(hostConfig(b), ctx)
      ])
      try {
        expect(ta.kind).toBe('ssh')
        expect(ta.label).toBe(`${a.address}:${a.port}`)
        expect(ta.address).toBe(a.address)
        expect(ta.basePath).toBe(a.deployPath)
        const ra = await ta.exec(`cat ${shellQuote(ta.basePath)}/whoami; echo oops >&2; exit 7`)
        expect(ra).toEqual({ stdout: 'a', stderr: 'oops\n', code: 7 })
        // Commands start in the deploy folder, as on the local transport.
        expect(await tb.exec('pwd; cat whoami')).toEqual({
          stdout: `${tb.basePath}\nb`,
          stderr: '',
          code: 0
        })
        const piped = await tb.exec(`cat ${shellQuote(tb.basePath)}/whoami - `, { stdin: '+stdin' })
        expect(piped.stdout).toBe('b+stdin')

        const src = join(scratch, 'payload.bin')
        const data = randomBytes(5 * 1024 * 1024 + 3)
        await writeFile(src, data)
        const progress: number[] = []
        await Promise.all([
          ta.upload(src, `${ta.basePath}/payload.bin`, { onProgress: (s) => progress.push(s) }),
          tb.upload(src, `${tb.basePath}/payload.bin`)
        ])
        const sum = createHash('sha256').update(data).digest('hex')
        for (const [t, h] of [
          [ta, a],
          [tb, b]
        ] as const) {
          const r = await t.exec(`sha256sum ${shellQuote(`${t.basePath}/payload.bin`)}`)
          expect(r.stdout.split(' ')[0]).toBe(sum)
          expect((await readFile(join(h.hostDir, 'payload.bin'))).equals(data)).toBe(true)
        }
        expect(progress[0]).toBe(0)
        expect(progress.at(-1)).toBe(data.length)
      } finally {
        await Promise.all([ta.close(), tb.close()])
      }
      await expect(ta.exec('true')).rejects.toMatchObject({ code: 'unreachable' })
    })

    it('runs at most 8 commands at once on one connection, and all of 20 complete', async () => {
      const host = fleet.hosts[0]
      const t = await connectTransport(hostConfig(host), ctx)
      const log = join(host.hostDir, 'sessions.log')
      const gate = join(host.hostDir, 'gate')
      const lines = async (): Promise<string[]> =>
        (await readFile(log, 'utf8').catch(() => '')).split('\n').filter((l) => l !== '')
      try {
        // Each command appends 'start' and, once the gate is open, 'end' to one log on the host:
        // the file's order is the order of events, whatever the machine's speed.
        const all = Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            t.exec(
              `echo start >> sessions.log; while [ ! -e gate ]; do sleep 0.02; done; ` +
                `echo end >> sessions.log; echo ${i}`
            )
          )
        )
        while ((await lines()).length < 8) await new Promise((r) => setTimeout(r, 20))
        // Time for a 9th command to start if the cap were broken (this cannot make it flake).
        await new Promise((r) => setTimeout(r, 300))
        await writeFile(gate, '')
        const results = await all
        expect(results.map((r) => r.stdout)).toEqual(Array.from({ length: 20 }, (_, i) => `${i}\n`))
        let open = 0
        let most = 0
        for (const line of await lines()) {
          open += line === 'start' ? 1 : -1
          most = Math.max(most, open)
        }
        expect(await lines()).toHaveLength(40)
        expect(most).toBe(8)
      } finally {
        await t.close()
      }
    })

    it('copes with a server allowing fewer sessions than 8 per connection', async () => {
      const small = await startSshFleet(1, { firstAddress: 38, maxSessions: 3 })
      try {
        const h = small.hosts[0]
        const t = await connectTransport(
          { host: `${h.address}:${h.port}`, path: h.deployPath },
          {
            ...ctx,
            trust: new HostTrustStore({
              knownHostsFiles: [small.knownHostsFile],
              trustedFile: join(scratch, 'small')
            }),
            credentials: new CredentialStore({ agentSocket: null, keyFiles: [small.userKeyFile] })
          }
        )
        const results = await Promise.all(
          Array.from({ length: 12 }, (_, i) => t.exec(`sleep 0.1; echo ${i}`))
        )
        expect(results.map((r) => r.stdout)).toEqual(Array.from({ length: 12 }, (_, i) => `${i}\n`))
        await t.close()
      } finally {
        await small.stop()
      }
    })

    it('carries megabytes of stdin and stdout, UTF-8 intact', async () => {
      const t = await connectTransport(hostConfig(fleet.hosts[1]), ctx)
      try {
        const input = randomBytes(3 * 1024 * 1024)
        const sum = await t.exec('sha256sum', { stdin: input })
        expect(sum.stdout.split(' ')[0]).toBe(createHash('sha256').update(input).digest('hex'))
        const big = await t.exec(`head -c 5000000 /dev/zero | tr '\\0' a; printf 'ünï ✓'`)
        expect(big.stdout.length).toBe(5_000_000 + 5)
        expect(big.stdout.endsWith('ünï ✓')).toBe(true)
        expect(big.stderr).toBe('')
      } finally {
        await t.close()
      }
    })

    it('keeps quoted hostile values inert on the remote shell', async () => {
      const host = fleet.hosts[0]
      const t = await connectTransport(hostConfig(host), ctx)
      try {
        const marker = `${host.deployPath}/pwned`
        const values = [
          `$(touch ${marker})`,
          `\`touch ${marker}\``,
          `;touch ${marker}`,
          `a'b"c\n$(touch ${marker})`,
          `20261126.1204-abc1234|touch ${marker}`,
          'feature/ORD-1 && touch pwned'
        ]
        for (const v of values) {
          const r = await t.exec(`cd ${shellQuote(t.basePath)} && printf '%s' ${shellQuote(v)}`)
          expect(r.stdout).toBe(v)
        }
        expect(existsSync(join(host.hostDir, 'pwned'))).toBe(false)
      } finally {
        await t.close()
      }
    })

    it('times out and cancels a remote command', async () => {
      const t = await connectTransport(hostConfig(fleet.hosts[1]), ctx)
      try {
        // Commands far longer than the test's timeout: waiting for them would fail the test.
        const host = fleet.hosts[1]
        const bgPid = `${host.deployPath}/bg.pid`
        expect(
          await failure(t.exec(`sleep 600 & echo $! > ${bgPid}; wait`, { timeoutMs: 300 }))
        ).toMatchObject({ code: 'timeout' })
        // The whole process group is gone on the host, background children included. SIGKILL
        // is sent, not yet acted on, when the command's channel closes: a loaded host can still
        // show the child running for a moment (seen: state R), so poll.
        const bg = (await readFile(join(host.hostDir, 'bg.pid'), 'utf8')).trim()
        const alive = async (): Promise<string> =>
          (await t.exec(`kill -0 ${bg} 2>/dev/null && grep -v ' Z ' /proc/${bg}/stat`)).stdout
        await expect.poll(alive, { timeout: 10_000, interval: 100 }).toBe('')
        const controller = new AbortController()
        setTimeout(() => controller.abort(), 200)
        expect(await failure(t.exec('sleep 600', { signal: controller.signal }))).toMatchObject({
          code: 'cancelled'
        })
        // The connection still works afterwards.
        expect((await t.exec('echo ok')).stdout).toBe('ok\n')
      } finally {
        await t.close()
      }
    })

    it('refuses an unknown host key with its SHA256 fingerprint, then accepts it once trusted', async () => {
      const host = fleet.hosts[1]
      const trust = new HostTrustStore({ knownHostsFiles: [], trustedFile: join(scratch, 'own') })
      const strict = { ...ctx, trust }
      const e = await failure(connectTransport(hostConfig(host), strict))
      expect(e.code).toBe('host-key-unknown')
      expect(e.details).toMatchObject({
        host: host.address,
        port: host.port,
        keyType: 'ssh-ed25519',
        fingerprint: host.hostKeyFingerprint
      })
      expect(e.message).toContain(host.hostKeyFingerprint)
      const d = e.details as { keyType: string; key: string }
      await trust.trust(host.address, host.port, d.keyType, d.key)
      const t = await connectTransport(hostConfig(host), strict)
      expect((await t.exec('echo trusted')).stdout).toBe('trusted\n')
      await t.close()
      // What trust() wrote is a known_hosts line that OpenSSH itself accepts.
      const ssh = spawnSync(
        'ssh',
        [
          '-F',
          '/dev/null',
          '-p',
          String(host.port),
          '-i',
          fleet.userKeyFile,
          '-o',
          'BatchMode=yes',
          '-o',
          `UserKnownHostsFile=${join(scratch, 'own')}`,
          '-o',
          'StrictHostKeyChecking=yes',
          `${fleet.user}@${host.address}`,
          'echo openssh'
        ],
        { encoding: 'utf8' }
      )
      expect(ssh.stdout).toBe('openssh\n')
    })

    it('accepts a hashed known_hosts entry (ssh-keygen -H) and refuses a @revoked key', async () => {
      const host = fleet.hosts[1]
      const file = join(scratch, 'hashed_known_hosts')
      await writeFile(file, `[${host.address}]:${host.port} ${host.hostPublicKey}\n`)
      expect(spawnSync('ssh-keygen', ['-q', '-H', '-f', file]).status).toBe(0)
      expect(await readFile(file, 'utf8')).toMatch(/^\|1\|/)
      const hashed = {
        ...ctx,
        trust: new HostTrustStore({ knownHostsFiles: [file], trustedFile: join(scratch, 'none') })
      }
      const t = await connectTransport(hostConfig(host), hashed)
      await t.close()
      await appendFile(file, `@revoked * ${host.hostPublicKey}\n`)
      const e = await failure(connectTransport(hostConfig(host), hashed))
      expect(e.code).toBe('host-key-changed')
      expect(e.details).toMatchObject({ revoked: true, fingerprint: host.hostKeyFingerprint })
    })

    it('refuses a changed host key with a warning naming both fingerprints', async () => {
      const host = fleet.hosts[2]
      const old = host.hostKeyFingerprint
      await host.regenerateHostKey()
      const e = await failure(connectTransport(hostConfig(host), ctx))
      expect(e.code).toBe('host-key-changed')
      expect(e.message).toMatch(/WARNING.*changed/)
      expect(e.details).toMatchObject({
        fingerprint: host.hostKeyFingerprint,
        knownFingerprints: [old]
      })
    })

    it('reports a host that is not listening as unreachable, quickly', async () => {
      const started = performance.now()
      const e = await failure(connectTransport({ host: '127.0.0.39:1', path: '/srv/x' }, ctx))
      expect(e.code).toBe('unreachable')
      expect(e.message).toContain('127.0.0.39:1')
      // Refused at once, not given up on after the connect timeout.
      expect(e.message).not.toContain('did not answer')
      expect(performance.now() - started).toBeLessThan(ctx.connectTimeoutMs ?? 0)
    })

    it('fails an upload with a clear unreachable error when sshd dies mid-transfer', async () => {
      const host = fleet.hosts[3]
      const t = await connectTransport(hostConfig(host), ctx)
      const src = join(scratch, 'big.bin')
      await writeFile(src, randomBytes(50 * 1024 * 1024))
      let killedAt = 0
      const started = performance.now()
      const e = await failure(
        t.upload(src, `${t.basePath}/big.bin`, {
          onProgress: (sent, total) => {
            if (killedAt === 0 && sent > total / 10) {
              killedAt = sent
              host.kill()
            }
          }
        })
      )
      expect(killedAt).toBeGreaterThan(0)
      expect(e.code).toBe('unreachable')
      expect(e.message).toContain(t.label)
      // Failed by the connection's end, not by the keepalive giving up (3 × 10 s).
      expect(performance.now() - started).toBeLessThan(30_000)
      expect(await failure(t.exec('true'))).toMatchObject({ code: 'unreachable' })
      await t.close()
      await host.restart()
      const again = await connectTransport(hostConfig(host), ctx)
      expect((await again.exec('echo back')).stdout).toBe('back\n')
      await again.close()
    })

    it('asks for the passphrase of an encrypted key, refuses a wrong one, then connects', async () => {
      const keyFile = join(scratch, 'encrypted_ed25519')
      spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'correct horse', '-f', keyFile])
      await appendFile(join(fleet.root, 'authorized_keys'), await readFile(`${keyFile}.pub`))
      const credentials = new CredentialStore({ agentSocket: null, keyFiles: [keyFile] })
      const withKey = { ...ctx, credentials }
      const host = hostConfig(fleet.hosts[0])
      const e = await failure(connectTransport(host, withKey))
      expect(e.code).toBe('passphrase-required')
      expect(e.details).toMatchObject({ keyFile })
      credentials.setPassphrase(keyFile, 'wrong')
      const wrong = await failure(connectTransport(host, withKey))
      expect(wrong.code).toBe('passphrase-required')
      expect(wrong.details).toMatchObject({ keyFile, wrong: true })
      credentials.setPassphrase(keyFile, 'correct horse')
      const t = await connectTransport(host, withKey)
      expect((await t.exec('echo unlocked')).stdout).toBe('unlocked\n')
      await t.close()
    })

    it('authenticates with keys held by a real ssh-agent', async () => {
      const socket = join(scratch, 'agent.sock')
      const agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' })
      try {
        for (let i = 0; i < 100 && !existsSync(socket); i++)
          await new Promise((r) => setTimeout(r, 20))
        const add = spawnSync('ssh-add', [fleet.userKeyFile], {
          env: { ...process.env, SSH_AUTH_SOCK: socket },
          encoding: 'utf8'
        })
        expect(add.status).toBe(0)
        const credentials = new CredentialStore({ agentSocket: socket, keyFiles: [] })
        const t = await connectTransport(hostConfig(fleet.hosts[1]), { ...ctx, credentials })
        expect((await t.exec('echo agent')).stdout).toBe('agent\n')
        await t.close()
        // Without the agent and without key files there is nothing to offer.
        const none = new CredentialStore({ agentSocket: null, keyFiles: [] })
        const e = await failure(
          connectTransport(hostConfig(fleet.hosts[1]), { ...ctx, credentials: none })
        )
        expect(e.code).toBe('unreachable')
        expect(e.message).toMatch(/no SSH identity/)
      } finally {
        agent.kill('SIGTERM')
      }
    })

    it('cancels an SFTP upload and keeps the connection usable', async () => {
      const host = fleet.hosts[0]
      const t = await connectTransport(hostConfig(host), ctx)
      try {
        const src = join(scratch, 'cancel.bin')
        await writeFile(src, randomBytes(50 * 1024 * 1024))
        const controller = new AbortController()
        const e = await failure(
          t.upload(src, `${t.basePath}/cancel.bin`, {
            signal: controller.signal,
            onProgress: (sent, total) => {
              if (sent > total / 20) controller.abort()
            }
          })
        )
        expect(e.code).toBe('cancelled')
        expect((await t.exec('echo still-here')).stdout).toBe('still-here\n')
        const small = join(scratch, 'small.txt')
        await writeFile(small, 'after cancel')
        await t.upload(small, `${t.basePath}/small.txt`)
        expect(await readFile(join(host.hostDir, 'small.txt'), 'utf8')).toBe('after cancel')
      } finally {
        await t.close()
      }
    })

    it('honours ~/.ssh/config (HostName, Port, User, IdentityFile) and ProxyJump through another host', async () => {
      const [jump, target] = fleet.hosts
      const configFile = join(scratch, 'ssh_config')
      await writeFile(
        configFile,
        [
          'Host jumpbox',
          `  HostName ${jump.address}`,
          `  Port ${jump.port}`,
          `Host app-*`,
          `  HostName ${target.address}`,
          `  Port ${target.port}`,
          `  User ${fleet.user}`,
          `  IdentityFile ${fleet.userKeyFile}`,
          'Host app-via-jump',
          '  ProxyJump jumpbox',
          'Host *',
          `  IdentityFile ${fleet.userKeyFile}`,
          ''
        ].join('\n')
      )
      const noKeys = new CredentialStore({ agentSocket: null, keyFiles: [] })
      const viaConfig = { ...ctx, credentials: noKeys, sshConfigPath: configFile }
      const direct = await connectTransport(
        { host: 'app-direct', path: target.deployPath },
        viaConfig
      )
      expect(direct.address).toBe(target.address)
      expect(direct.label).toBe('app-direct')
      await direct.close()
      const hopped = await connectTransport(
        { host: 'app-via-jump', path: target.deployPath, name: 'web' },
        viaConfig
      )
      await writeFile(join(target.hostDir, 'whoami'), 'target')
      expect((await hopped.exec(`cat ${shellQuote(hopped.basePath)}/whoami`)).stdout).toBe('target')
      expect(hopped.label).toBe('web')
      await hopped.close()
      // With the jump host down, the target cannot be reached: the hop is really used.
      jump.kill()
      try {
        const e = await failure(
          connectTransport({ host: 'app-via-jump', path: target.deployPath }, viaConfig)
        )
        expect(e.code).toBe('unreachable')
      } finally {
        await jump.restart()
      }
    })
  }
)
