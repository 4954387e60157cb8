import { copyFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppEvent } from '../../shared/contract'
import type { Deployment } from '../../shared/deploy-models'
import type { ApiResult } from '../../shared/errors'
import { memorySettingsStore } from '../services/workspace'
import { startAgent } from '../testing/deploy-support'
import { sshdUnavailableReason, startSshFleet, type SshTestFleet } from '../testing/sshd-hosts'
import { removeDir, tempDir } from '../testing/temp-dir'
import { commitFile, git } from '../testing/test-repo'
import { trustOpenWorkspace } from '../testing/trust'
import { createRouter, type Router } from './router'

const unavailable = sshdUnavailableReason()

function value<T>(result: ApiResult<T>): T {
  if (!result.ok) throw new Error(`expected a value, got ${JSON.stringify(result.error)}`)
  return result.value
}

describe.skipIf(unavailable !== null)(
  `SSH connections per deployment, counted by sshd ${unavailable ?? ''}`,
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
        const timer = setTimeout(() => reject(new Error(`${id} did not finish`)), 90_000)
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

    const connections = (): number => fleet.hosts.reduce((sum, h) => sum + h.connectionsLogged(), 0)

    beforeAll(async () => {
      fleet = await startSshFleet(4, { firstAddress: 91, logConnections: true })
      dataDir = await tempDir('slipway-deploy-connections-')
      agent = await startAgent(dataDir, fleet.userKeyFile)
      process.env.SSH_AUTH_SOCK = agent.socket
      // The fleet's host keys are trusted already: this test counts connections, not prompts.
      await copyFile(fleet.knownHostsFile, join(dataDir, 'trusted_hosts'))
      repo = await tempDir('slipway-deploy-connections-repo-')
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
          '    strategy: { batchSize: 2 }',
          '    hosts:',
          hosts,
          ''
        ].join('\n'),
        'ORD-9 Count the handshakes'
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

    it('a deployment to 4 hosts opens exactly 4 SSH connections', async () => {
      const release = value(await router.call('releases.create', {}))
      const before = connections()
      const started = value(
        await router.call('deployments.start', { release: release.id, environment: 'production' })
      )
      const done = await finished(started.id)
      expect(done.status, done.summary).toBe('succeeded')
      // sshd writes "Connection from …" when it accepts; every connection is closed by now.
      expect(connections() - before).toBe(4)
      for (const h of fleet.hosts) expect(h.connectionsLogged()).toBeGreaterThan(0)
    }, 120_000)
  }
)
