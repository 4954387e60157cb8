import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseSshTarget, hostLabel } from './host-label'
import { loadSshConfig, parseProxyJump, parseSshConfig } from './ssh-config'

const CONFIG = `
# global defaults before any Host apply to all
ServerAliveInterval 30

Host web-* !web-legacy
  HostName %h.internal.example.com
  User deploy
  IdentityFile ~/.ssh/deploy_ed25519

Host web-legacy
  HostName 10.0.0.9
  Port 2222

Host bastion
  HostName=bastion.example.com
  User "jump user"

Host db?
  ProxyJump deploy@bastion:2200,inner
  Port 2200
  IdentityFile keys/db_key

Match host *.example.com
  User nobody

Host *
  User fallback
  Port 22
  IdentityFile %d/.ssh/id_ed25519
  ProxyJump none
`

describe('ssh config', () => {
  const config = parseSshConfig(CONFIG, '/home/me')

  it('applies the first value of each option across matching blocks, like OpenSSH', () => {
    expect(config.resolve('web-1')).toEqual({
      hostName: 'web-1.internal.example.com',
      user: 'deploy',
      port: 22,
      identityFiles: ['/home/me/.ssh/deploy_ed25519', '/home/me/.ssh/id_ed25519']
    })
  })

  it('honours negated patterns, ? wildcards, quoted values and Key=Value', () => {
    expect(config.resolve('web-legacy')).toMatchObject({
      hostName: '10.0.0.9',
      port: 2222,
      user: 'fallback'
    })
    expect(config.resolve('bastion')).toMatchObject({
      hostName: 'bastion.example.com',
      user: 'jump user'
    })
    expect(config.resolve('db1')).toMatchObject({
      port: 2200,
      proxyJump: 'deploy@bastion:2200,inner',
      identityFiles: ['/home/me/.ssh/keys/db_key', '/home/me/.ssh/id_ed25519']
    })
    expect(config.resolve('db12').proxyJump).toBeUndefined()
  })

  it('skips Match blocks and answers a host no block names with the * block', () => {
    expect(config.resolve('other')).toEqual({
      user: 'fallback',
      port: 22,
      identityFiles: ['/home/me/.ssh/id_ed25519']
    })
    expect(parseSshConfig('').resolve('x')).toEqual({ identityFiles: [] })
  })

  it('reads Include files in place, globs sorted, absolute paths', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'slipway-ssh-config-'))
    try {
      await mkdir(join(dir, 'conf.d'))
      await writeFile(join(dir, 'conf.d', '20-b.conf'), 'Host b\n  HostName b.example\n')
      await writeFile(
        join(dir, 'conf.d', '10-a.conf'),
        `Host a\n  HostName a.example\nInclude ${join(dir, 'deeper')}\n`
      )
      await writeFile(join(dir, 'deeper'), 'Host c\n  Port 2200\n')
      await writeFile(
        join(dir, 'config'),
        `Include ${join(dir, 'conf.d', '*.conf')} ${join(dir, 'missing')}\nHost *\n  User u\n`
      )
      const config = await loadSshConfig(join(dir, 'config'))
      expect(config.resolve('a')).toMatchObject({ hostName: 'a.example', user: 'u' })
      expect(config.resolve('b')).toMatchObject({ hostName: 'b.example', user: 'u' })
      expect(config.resolve('c')).toMatchObject({ port: 2200, user: 'u' })
      expect((await loadSshConfig(join(dir, 'nope'))).resolve('a')).toEqual({ identityFiles: [] })
      expect((await loadSshConfig(null)).resolve('a')).toEqual({ identityFiles: [] })
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('splits ProxyJump hops', () => {
    expect(parseProxyJump('deploy@bastion:2200, inner,ssh://u@[::1]:22')).toEqual([
      { user: 'deploy', host: 'bastion', port: 2200 },
      { host: 'inner' },
      { user: 'u', host: '::1', port: 22 }
    ])
  })
})

describe('slipway.yml host targets', () => {
  it('reads the SSH port from host:port and [address]:port', () => {
    expect(parseSshTarget('web1')).toEqual({ host: 'web1' })
    expect(parseSshTarget('127.0.0.11:2201')).toEqual({ host: '127.0.0.11', port: 2201 })
    expect(parseSshTarget('[::1]:2222')).toEqual({ host: '::1', port: 2222 })
    expect(parseSshTarget('::1')).toEqual({ host: '::1' })
  })

  it('labels hosts by name, user@host:port, or the resolved folder', () => {
    expect(hostLabel({ host: 'web1', path: '/srv/app', name: 'blue' }, '/w')).toBe('blue')
    expect(hostLabel({ host: 'web1:2201', path: '/srv/app', user: 'deploy' }, '/w')).toBe(
      'deploy@web1:2201'
    )
    expect(hostLabel({ host: '[::1]:2201', path: '/srv/app' }, '/w')).toBe('[::1]:2201')
    expect(hostLabel({ local: 'hosts/a' }, '/w')).toBe('/w/hosts/a')
  })
})
