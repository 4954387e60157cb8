import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ExpectedError } from '../errors'
import { connectTransport } from './connect'
import { CredentialStore } from './credentials'
import { HostTrustStore } from './host-trust-store'
import { isEvaluableHost, parseSshG, resolveHostSettings } from './ssh-config-eval'
import { sshdUnavailableReason, startSshFleet, type SshTestFleet } from '../../testing/sshd-hosts'
import type { TransportContext } from './types'

const hasSsh = (process.env.PATH ?? '').split(':').some((d) => existsSync(join(d, 'ssh')))

describe('~/.ssh/config: UserKnownHostsFile, GlobalKnownHostsFile, HostKeyAlias', () => {
  let home: string
  let config: string
  const savedHome = process.env.HOME

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'slipway-sshg-home-'))
    process.env.HOME = home
    config = join(home, 'config')
    await writeFile(
      config,
      [
        'Host web-1',
        '  HostName 10.9.8.7',
        '  Port 2200',
        '  UserKnownHostsFile ~/kh-user /abs/kh-two',
        '  GlobalKnownHostsFile /abs/kh-global',
        '  HostKeyAlias web-alias',
        '  BindAddress 127.0.0.77',
        'Host quiet',
        '  UserKnownHostsFile none',
        'Match originalhost matched',
        '  HostKeyAlias from-match',
        ''
      ].join('\n')
    )
  })
  afterAll(async () => {
    process.env.HOME = savedHome
    await rm(home, { recursive: true, force: true })
  })

  it('reads them with the parser where no OpenSSH client exists (Match skipped)', async () => {
    const noSsh = { configPath: config, sshBinary: join(home, 'no-such-ssh'), home }
    const web = await resolveHostSettings('web-1', noSsh)
    expect(web).toMatchObject({
      hostName: '10.9.8.7',
      port: 2200,
      userKnownHostsFiles: [join(home, 'kh-user'), '/abs/kh-two'],
      globalKnownHostsFiles: ['/abs/kh-global'],
      hostKeyAlias: 'web-alias',
      bindAddress: '127.0.0.77'
    })
    expect((await resolveHostSettings('quiet', noSsh)).userKnownHostsFiles).toEqual([])
    expect((await resolveHostSettings('matched', noSsh)).hostKeyAlias).toBeUndefined()
  })

  it.skipIf(!hasSsh)('evaluates them with ssh -G, so Match blocks work', async () => {
    const web = await resolveHostSettings('web-1', { configPath: config, home })
    expect(web).toMatchObject({
      hostName: '10.9.8.7',
      port: 2200,
      globalKnownHostsFiles: ['/abs/kh-global'],
      hostKeyAlias: 'web-alias',
      bindAddress: '127.0.0.77',
      identityFiles: []
    })
    // ssh expands `~` to the account's home directory (not $HOME): the second file is as written.
    expect(web.userKnownHostsFiles?.at(-1)).toBe('/abs/kh-two')
    expect(
      (await resolveHostSettings('quiet', { configPath: config, home })).userKnownHostsFiles
    ).toEqual([])
    const matched = await resolveHostSettings('matched', { configPath: config, home })
    expect(matched.hostKeyAlias).toBe('from-match')
  })

  it('never hands ssh a name it could read as an option; ssh gets `--` before the name', async () => {
    const record = join(home, 'args')
    const fakeSsh = join(home, 'fake-ssh')
    await writeFile(
      fakeSsh,
      `#!/bin/sh\nprintf '%s\\n' "$@" >> '${record}'\necho "hostname recorded"\n`
    )
    await chmod(fakeSsh, 0o755)
    const options = { configPath: config, sshBinary: fakeSsh, home }
    for (const hostile of ['-oProxyCommand=touch pwned', 'a b', 'x;touch pwned', 'u@h', '$(id)']) {
      expect(isEvaluableHost(hostile)).toBe(false)
      await resolveHostSettings(hostile, options)
    }
    expect(existsSync(record)).toBe(false)
    expect(await resolveHostSettings('web-1', options)).toMatchObject({ hostName: 'recorded' })
    expect((await readFile(record, 'utf8')).split('\n')).toEqual([
      '-G',
      '-F',
      config,
      '--',
      'web-1',
      ''
    ])
    expect(isEvaluableHost('fe80::1')).toBe(true)
    expect(isEvaluableHost('app-1.internal')).toBe(true)
  })

  it('reads ssh -G output: its default identities are "none configured"', () => {
    const printed = [
      'hostname h',
      'port 22',
      ...[
        'id_rsa',
        'id_ecdsa',
        'id_ecdsa_sk',
        'id_ed25519',
        'id_ed25519_sk',
        'id_xmss',
        'id_dsa'
      ].map((f) => `identityfile ~/.ssh/${f}`),
      'userknownhostsfile /a /b',
      'globalknownhostsfile /etc/ssh/ssh_known_hosts /etc/ssh/ssh_known_hosts2'
    ].join('\n')
    expect(parseSshG(printed, '/home/u')).toEqual({
      hostName: 'h',
      port: 22,
      identityFiles: [],
      userKnownHostsFiles: ['/a', '/b'],
      globalKnownHostsFiles: ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2']
    })
    expect(parseSshG('identityfile ~/.ssh/deploy\n', '/home/u').identityFiles).toEqual([
      '/home/u/.ssh/deploy'
    ])
  })
})

const unavailable = sshdUnavailableReason()

describe.skipIf(unavailable !== null)(
  `known_hosts from ~/.ssh/config, real sshd ${unavailable ?? ''}`,
  () => {
    let fleet: SshTestFleet
    let scratch: string
    let ctx: TransportContext
    const savedHome = process.env.HOME

    beforeAll(async () => {
      fleet = await startSshFleet(1, { firstAddress: 161 })
      scratch = await mkdtemp(join(tmpdir(), 'slipway-kh-config-'))
      // An empty HOME: the default known_hosts files know nothing of this host.
      process.env.HOME = scratch
      const [h] = fleet.hosts
      const key = h.hostPublicKey.trim()
      await writeFile(join(scratch, 'kh-port'), `[${h.address}]:${h.port} ${key}\n`)
      await writeFile(join(scratch, 'kh-alias'), `app-alias ${key}\nfrom-match ${key}\n`)
      const base = [`  HostName ${h.address}`, `  Port ${h.port}`, `  User ${fleet.user}`]
      await writeFile(
        join(scratch, 'ssh_config'),
        [
          'Host kh-user',
          ...base,
          `  UserKnownHostsFile ${join(scratch, 'kh-port')}`,
          'Host kh-global',
          ...base,
          '  UserKnownHostsFile none',
          `  GlobalKnownHostsFile ${join(scratch, 'kh-port')}`,
          'Host kh-alias',
          ...base,
          '  HostKeyAlias app-alias',
          `  UserKnownHostsFile ${join(scratch, 'kh-alias')}`,
          'Host kh-wrong-alias',
          ...base,
          '  HostKeyAlias other-alias',
          `  UserKnownHostsFile ${join(scratch, 'kh-alias')}`,
          'Host kh-default',
          ...base,
          'Host kh-bind',
          ...base,
          '  BindAddress 127.0.0.199',
          `  UserKnownHostsFile ${join(scratch, 'kh-port')}`,
          'Host kh-bad-bind',
          ...base,
          '  BindAddress laptop.example',
          `  UserKnownHostsFile ${join(scratch, 'kh-port')}`,
          'Match originalhost kh-match',
          ...base,
          '  HostKeyAlias from-match',
          `  UserKnownHostsFile ${join(scratch, 'kh-alias')}`,
          'Host *',
          `  IdentityFile ${fleet.userKeyFile}`,
          ''
        ].join('\n')
      )
      ctx = {
        workspacePath: scratch,
        trust: new HostTrustStore({ trustedFile: join(scratch, 'trusted') }),
        credentials: new CredentialStore({ agentSocket: null, keyFiles: [] }),
        sshConfigPath: join(scratch, 'ssh_config'),
        connectTimeoutMs: 20_000
      }
    })
    afterAll(async () => {
      process.env.HOME = savedHome
      await fleet?.stop()
      if (scratch) await rm(scratch, { recursive: true, force: true })
    })

    const connect = async (alias: string): Promise<string> => {
      try {
        const t = await connectTransport({ host: alias, path: fleet.hosts[0].deployPath }, ctx)
        const out = (await t.exec('echo connected')).stdout.trim()
        await t.close()
        return out
      } catch (e) {
        const err = e as ExpectedError<'host-key-unknown'>
        return `${err.code} ${JSON.stringify({ host: err.details.host, port: err.details.port })}`
      }
    }

    it('trusts a key only where the config says to look, under the name it says', async () => {
      const port = fleet.hosts[0].port
      const address = fleet.hosts[0].address
      expect(await connect('kh-default')).toBe(
        `host-key-unknown ${JSON.stringify({ host: address, port })}`
      )
      expect(await connect('kh-user')).toBe('connected')
      expect(await connect('kh-global')).toBe('connected')
      expect(await connect('kh-alias')).toBe('connected')
      // The alias is the name looked up, without the port, as OpenSSH does.
      expect(await connect('kh-wrong-alias')).toBe(
        `host-key-unknown ${JSON.stringify({ host: 'other-alias', port: 22 })}`
      )
      if (hasSsh) expect(await connect('kh-match')).toBe('connected')
    }, 120_000)

    it('connects from the BindAddress the config names, and refuses one that is not an IP', async () => {
      const from = async (alias: string): Promise<string> => {
        const t = await connectTransport({ host: alias, path: fleet.hosts[0].deployPath }, ctx)
        try {
          return (await t.exec('echo "$SSH_CLIENT"')).stdout.trim().split(' ')[0] ?? ''
        } finally {
          await t.close()
        }
      }
      expect(await from('kh-bind')).toBe('127.0.0.199')
      expect(await from('kh-user')).not.toBe('127.0.0.199')
      await expect(from('kh-bad-bind')).rejects.toMatchObject({
        code: 'bad-config',
        message: expect.stringMatching(
          /BindAddress for kh-bad-bind must be an IP address .*"laptop\.example"/
        )
      })
    }, 120_000)
  }
)
