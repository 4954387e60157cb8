import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { chmod, copyFile, mkdir, readlink } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ApiResult } from '../../shared/errors'
import type { AppEvent } from '../../shared/contract'
import type { Deployment } from '../../shared/deploy-models'
import { startAgent } from '../testing/deploy-support'
import { sshdUnavailableReason, startSshFleet, type SshTestFleet } from '../testing/sshd-hosts'
import { removeDir, tempDir } from '../testing/temp-dir'
import { commitFile, git } from '../testing/test-repo'
import { memorySettingsStore } from '../services/workspace'
import { createRouter, type Router } from './router'
import { trustOpenWorkspace } from '../testing/trust'

const unavailable = sshdUnavailableReason()

function value<T>(result: ApiResult<T>): T {
  if (!result.ok) throw new Error(`expected a value, got ${JSON.stringify(result.error)}`)
  return result.value
}

describe.skipIf(unavailable !== null)(
  `deploying through the router to real sshd hosts ${unavailable ?? ''}`,
  () => {
    let fleet: SshTestFleet
    let repo: string
    let dataDir: string
    let router: Router
    let agent: { socket: string; stop: () => void }
    const savedSock = process.env.SSH_AUTH_SOCK
    const events: AppEvent[] = []

    const finished = (id: string): Promise<Deployment> =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${id} did not finish`)), 60_000)
        const check = (e: AppEvent): boolean => {
          if (e.event !== 'deployments.changed') return false
          const d = e.payload.deployment
          if (d.id !== id || d.status === 'running') return false
          clearTimeout(timer)
          off()
          resolve(d)
          return true
        }
        const off = router.onEvent(check)
        for (const e of events) if (check(e)) return
      })

    beforeAll(async () => {
      fleet = await startSshFleet(2, { firstAddress: 71 })
      dataDir = await tempDir('slipway-deploy-ssh-router-')
      agent = await startAgent(dataDir, fleet.userKeyFile)
      // The router's credential store finds the login key through ssh-agent, as a user's would.
      process.env.SSH_AUTH_SOCK = agent.socket
      repo = await tempDir('slipway-deploy-ssh-repo-')
      git(repo, 'init', '-q', '-b', 'main')
      const hosts = fleet.hosts
        .map(
          (h, i) =>
            `      - { host: '${h.address}:${h.port}', user: ${fleet.user}, path: ${h.deployPath}, name: web-${i + 1} }`
        )
        .join('\n')
      await commitFile(
        repo,
        'slipway.yml',
        [
          'build:',
          `  command: mkdir -p out && printf '%s' "$SLIPWAY_RELEASE" > out/RELEASE`,
          '  artifact: out',
          'environments:',
          '  - name: production',
          '    hosts:',
          hosts,
          ''
        ].join('\n'),
        'ORD-7 Ship it'
      )
      router = createRouter({
        host: 'serve',
        version: '9.9.9',
        dataDir,
        settings: memorySettingsStore()
      })
      router.onEvent((e) => events.push(e))
      value(await router.openWorkspace(repo))
      await trustOpenWorkspace(router)
    }, 60_000)

    afterAll(async () => {
      await router?.dispose()
      agent?.stop()
      if (savedSock === undefined) delete process.env.SSH_AUTH_SOCK
      else process.env.SSH_AUTH_SOCK = savedSock
      await fleet?.stop()
      if (repo) await removeDir(repo)
      if (dataDir) await removeDir(dataDir)
    })

    it('refuses unknown host keys with their fingerprints, deploys once they are trusted, refuses a changed key', async () => {
      const release = value(await router.call('releases.create', {}))
      expect(release.tickets).toEqual(['ORD-7'])

      // Nothing starts while a host key is unknown; the error carries what the user must see.
      const refused = await router.call('deployments.start', {
        release: release.id,
        environment: 'production'
      })
      if (refused.ok) {
        const d = await finished(refused.value.id)
        const scan0 = await router.call('hosts.scan', { environment: 'production' })
        throw new Error(
          `a deployment started with unknown host keys: ${JSON.stringify(scan0)} ${d.log.join('\n')}`
        )
      }
      if (refused.error.code !== 'host-key-unknown') throw new Error(refused.error.message)
      const fingerprints = fleet.hosts.map((h) => h.hostKeyFingerprint)
      expect(fingerprints).toContain(refused.error.details.fingerprint)
      expect(value(await router.call('deployments.list', {}))).toEqual([])
      for (const h of fleet.hosts) expect(existsSync(join(h.hostDir, 'releases'))).toBe(false)

      const scan = value(await router.call('hosts.scan', { environment: 'production' }))
      expect(scan.map((s) => [s.host, s.state, s.fingerprint])).toEqual([
        ['web-1', 'unknown', fleet.hosts[0]?.hostKeyFingerprint],
        ['web-2', 'unknown', fleet.hosts[1]?.hostKeyFingerprint]
      ])
      for (const s of scan) {
        value(
          await router.call('hosts.trustKey', {
            host: s.address,
            port: s.port,
            keyType: s.keyType ?? '',
            key: s.key ?? ''
          })
        )
      }
      const trusted = value(await router.call('hosts.scan', { environment: 'production' }))
      expect(trusted.map((s) => s.state)).toEqual(['trusted', 'trusted'])

      const started = value(
        await router.call('deployments.start', { release: release.id, environment: 'production' })
      )
      const done = await finished(started.id)
      expect(done.status, `${done.summary}\n${done.log.join('\n')}`).toBe('succeeded')
      for (const h of fleet.hosts) {
        expect(await readlink(join(h.hostDir, 'current'))).toBe(`releases/${release.id}`)
      }
      const status = value(await router.call('environments.status', { environment: 'production' }))
      expect(status.hosts.map((h) => [h.host, h.reachable, h.release, h.lock])).toEqual([
        ['web-1', true, release.id, null],
        ['web-2', true, release.id, null]
      ])

      // A reinstalled host (new key) is refused, never silently accepted.
      await fleet.hosts[1]?.regenerateHostKey()
      const changed = await router.call('deployments.start', {
        release: release.id,
        environment: 'production'
      })
      expect(changed.ok ? 'ok' : changed.error.code).toBe('host-key-changed')
      const rescan = value(await router.call('hosts.scan', { environment: 'production' }))
      expect(rescan.map((s) => s.state)).toEqual(['trusted', 'changed'])
    }, 120_000)

    it("asks for an encrypted key's passphrase (kept in memory), then the host key, then deploys", async () => {
      // A user without ssh-agent whose only key is encrypted: ~/.ssh/id_ed25519 in a fresh HOME.
      const home = await tempDir('slipway-deploy-ssh-home-')
      const savedHome = process.env.HOME
      const sock = process.env.SSH_AUTH_SOCK
      const keyFile = join(home, '.ssh', 'id_ed25519')
      await mkdir(join(home, '.ssh'), { mode: 0o700 })
      await copyFile(fleet.userKeyFile, keyFile)
      await chmod(keyFile, 0o600)
      const reencrypt = spawnSync(
        'ssh-keygen',
        ['-p', '-q', '-P', '', '-N', 'open sesame', '-f', keyFile],
        {
          encoding: 'utf8'
        }
      )
      expect(reencrypt.status, reencrypt.stderr).toBe(0)
      process.env.HOME = home
      delete process.env.SSH_AUTH_SOCK
      const data = await tempDir('slipway-deploy-ssh-data2-')
      const other = createRouter({
        host: 'serve',
        version: '9.9.9',
        dataDir: data,
        settings: memorySettingsStore()
      })
      try {
        value(await other.openWorkspace(repo))
        await trustOpenWorkspace(other)
        const [release] = value(await other.call('releases.list', {}))
        expect(release).toBeUndefined()
        const built = value(await other.call('releases.create', {}))

        const locked = await other.call('deployments.start', {
          release: built.id,
          environment: 'production'
        })
        if (locked.ok) throw new Error('a deployment started without a usable key')
        if (locked.error.code !== 'passphrase-required') throw new Error(locked.error.message)
        expect(locked.error.details.keyFile).toBe(keyFile)

        const wrong = await other.call('credentials.setPassphrase', { keyFile, passphrase: 'nope' })
        expect(wrong.ok).toBe(true)
        const stillLocked = await other.call('deployments.start', {
          release: built.id,
          environment: 'production'
        })
        expect(stillLocked.ok ? 'ok' : stillLocked.error.code).toBe('passphrase-required')

        value(await other.call('credentials.setPassphrase', { keyFile, passphrase: 'open sesame' }))
        const unknown = await other.call('deployments.start', {
          release: built.id,
          environment: 'production'
        })
        expect(unknown.ok ? 'ok' : unknown.error.code).toBe('host-key-unknown')
        for (const s of value(await other.call('hosts.scan', { environment: 'production' }))) {
          expect(s.state).toBe('unknown')
          value(
            await other.call('hosts.trustKey', {
              host: s.address,
              port: s.port,
              keyType: s.keyType ?? '',
              key: s.key ?? ''
            })
          )
        }
        const started = value(
          await other.call('deployments.start', { release: built.id, environment: 'production' })
        )
        const done = await new Promise<Deployment>((resolve) => {
          const off = other.onEvent((e) => {
            if (
              e.event === 'deployments.changed' &&
              e.payload.deployment.id === started.id &&
              e.payload.deployment.status !== 'running'
            ) {
              off()
              resolve(e.payload.deployment)
            }
          })
        })
        expect(done.status, done.summary).toBe('succeeded')
        // The passphrase lived in that router's memory only: nothing on disk holds it.
        for (const dir of [data, home]) {
          const grep = spawnSync('grep', ['-rl', 'open sesame', dir], { encoding: 'utf8' })
          expect(grep.stdout).toBe('')
        }
      } finally {
        await other.dispose()
        if (savedHome === undefined) delete process.env.HOME
        else process.env.HOME = savedHome
        if (sock !== undefined) process.env.SSH_AUTH_SOCK = sock
        await removeDir(home)
        await removeDir(data)
      }
    }, 120_000)
  }
)
