import { existsSync } from 'node:fs'
import { mkdir, readlink, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startAgent } from '../testing/deploy-support'
import { onStaging, openAs, refusal, value } from '../testing/promotion-team'
import { sshdUnavailableReason, startSshFleet, type SshTestFleet } from '../testing/sshd-hosts'
import { git, TeamRepos } from '../testing/team-repos'
import type { Router } from './router'

const unavailable = sshdUnavailableReason()

describe.skipIf(unavailable !== null)(
  `promoting to production on real sshd hosts ${unavailable ?? ''}`,
  { timeout: 300_000 },
  () => {
    let fleet: SshTestFleet
    let repos: TeamRepos
    let agent: { socket: string; stop: () => void }
    const savedSock = process.env.SSH_AUTH_SOCK
    const cleanup: (() => Promise<unknown>)[] = []

    beforeAll(async () => {
      fleet = await startSshFleet(2, {
        firstAddress: 231,
        deployPath: '/srv/slipway-promote-test/app'
      })
      repos = TeamRepos.create()
      agent = await startAgent(repos.root, fleet.userKeyFile)
      // Ana's router finds the login key through ssh-agent, as a user's would.
      process.env.SSH_AUTH_SOCK = agent.socket
    }, 120_000)

    afterAll(async () => {
      for (const step of cleanup.splice(0).reverse()) await step()
      agent?.stop()
      if (savedSock === undefined) delete process.env.SSH_AUTH_SOCK
      else process.env.SSH_AUTH_SOCK = savedSock
      await fleet?.stop()
      repos?.remove()
    })

    /** Trusts every production host key the way a user does after comparing fingerprints. */
    async function trustHostKeys(router: Router): Promise<void> {
      for (const s of value(await router.call('hosts.scan', { environment: 'production' }))) {
        value(
          await router.call('hosts.trustKey', {
            host: s.address,
            port: s.port,
            keyType: s.keyType ?? '',
            key: s.key ?? ''
          })
        )
      }
    }

    it('refuses a sha256 mismatch on one target host before anything is activated, then deploys the same artifact over SSH', async () => {
      const anaPath = repos.clone('ana', 'Ana Lima', 'ana@example.com')
      const benPath = repos.clone('ben', 'Ben Okafor', 'ben@example.com')
      const staging = join(repos.root, 'staging-1')
      const hosts = fleet.hosts
        .map(
          (h, i) =>
            `      - { host: '${h.address}:${h.port}', user: ${fleet.user}, path: ${h.deployPath}, name: web-${i + 1} }`
        )
        .join('\n')
      await writeFile(
        join(anaPath, 'slipway.yml'),
        [
          'project: orders',
          'build:',
          `  command: mkdir -p out && printf '%s\\n' "$SLIPWAY_RELEASE" > out/RELEASE`,
          '  artifact: out',
          'environments:',
          '  - name: staging',
          `    hosts: [{ local: ${staging}, name: staging-1 }]`,
          '    healthCheck: { command: cat RELEASE }',
          '  - name: production',
          '    promoteFrom: staging',
          '    approvals: { required: 1, authorCannotApprove: true }',
          '    hosts:',
          hosts,
          ''
        ].join('\n')
      )
      git(anaPath, ['add', '.'])
      git(anaPath, ['commit', '-q', '-m', 'ORD-7 Ship it'])
      git(anaPath, ['push', '-q', 'origin', 'main'])
      git(benPath, ['pull', '-q', 'origin', 'main'])
      const ana = await openAs(anaPath, (s) => cleanup.push(s))
      const ben = await openAs(benPath, (s) => cleanup.push(s))
      await trustHostKeys(ana)

      const release = value(await ana.call('releases.create', {}))
      await onStaging(ana, release.id)
      const asked = value(
        await ana.call('promotions.promote', { release: release.id, environment: 'production' })
      )
      expect(asked.kind).toBe('pending')
      value(
        await ben.call('promotions.approve', { release: release.id, environment: 'production' })
      )

      // web-2 already holds releases/<id> with another sha256 (a tampered or half-written copy).
      const [web1, web2] = fleet.hosts
      if (!web1 || !web2) throw new Error('two hosts expected')
      const planted = join(web2.hostDir, 'releases', release.id)
      await mkdir(planted, { recursive: true })
      await writeFile(join(planted, '.slipway-sha256'), `${'f'.repeat(64)}\n`)
      const mismatch = refusal(
        await ana.call('promotions.promote', { release: release.id, environment: 'production' })
      )
      expect(mismatch.message).toBe(
        `sha256 mismatch: web-2 holds releases/${release.id} with sha256 ${'f'.repeat(64)}, not ${release.sha256} from the release manifest; nothing was activated`
      )
      // Nothing was uploaded, activated or locked anywhere.
      for (const h of fleet.hosts) expect(existsSync(join(h.hostDir, 'current'))).toBe(false)
      expect(existsSync(join(web1.hostDir, 'releases', release.id))).toBe(false)
      const before = value(await ana.call('environments.status', { environment: 'production' }))
      expect(before.hosts.map((h) => [h.host, h.reachable, h.release, h.lock])).toEqual([
        ['web-1', true, null, null],
        ['web-2', true, null, null]
      ])
      expect(value(await ana.call('promotions.list', {}))[0]?.state).toBe('approved')

      // The planted copy removed: the very artifact goes to both hosts over SSH.
      await rm(planted, { recursive: true })
      const done = value(
        await ana.call('promotions.promote', { release: release.id, environment: 'production' })
      )
      if (done.kind !== 'deployed') throw new Error(`not deployed: ${done.kind}`)
      expect(done.deployment.status, done.deployment.log.join('\n')).toBe('succeeded')
      for (const h of fleet.hosts) {
        expect(await readlink(join(h.hostDir, 'current'))).toBe(`releases/${release.id}`)
      }
      const after = value(await ana.call('environments.status', { environment: 'production' }))
      expect(after.hosts.map((h) => [h.host, h.release])).toEqual([
        ['web-1', release.id],
        ['web-2', release.id]
      ])

      // The ledger holds the refusal with its words and the outcome; it verifies against the
      // hosts' own logs read over SSH.
      const trail = value(await ana.call('ledger.list', { kind: ['promotion'], limit: 20 }))
        .reverse()
        .map((r) => (r.entry.kind === 'promotion' ? [r.entry.state, r.entry.reason] : []))
      expect(trail).toEqual([
        ['requested', null],
        ['refused', mismatch.message],
        ['ended', `deployment ${done.deployment.id}: ${done.deployment.summary}`]
      ])
      const verified = value(await ana.call('ledger.verify', {}))
      expect(verified.findings).toEqual([])
      expect(verified.hosts.unreadable).toEqual([])
      expect(verified.hosts.checked).toBeGreaterThanOrEqual(2)
    })
  }
)
