// Deploy timeouts with peers that never answer: a hook that sleeps on a real sshd host, a batch
// hook that sleeps on this machine, a health URL whose server accepts and never answers.
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { createServer, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { EnvironmentConfig } from '../../../shared/config-schema'
import type { StoredRelease } from '../releases'
import { readHostDisk } from '../../testing/host-disk'
import { freePort } from '../../testing/ports'
import { fleetContext } from '../../testing/sshd-deploy'
import { listProcesses } from '../../testing/proc-table'
import { sshdUnavailableReason, startSshFleet, type SshTestFleet } from '../../testing/sshd-hosts'
import { TEST_APP_HOOK, makeTestRelease, stopTestApp, testReleaseId } from '../../testing/test-app'
import { deployRelease, type DeployContext } from '.'

const skip = sshdUnavailableReason()

describe.skipIf(skip !== null)('deploy timeouts with a peer that never answers', () => {
  let fleet: SshTestFleet
  let scratch: string
  let appPort: number
  let r1: StoredRelease
  let r2: StoredRelease
  let silent: Server
  let silentPort: number
  const sockets: Socket[] = []

  beforeAll(async () => {
    ;[fleet, scratch] = await Promise.all([
      startSshFleet(2, { firstAddress: 105, deployPath: '/srv/slipway-timeouts-test/app' }),
      mkdtemp(join(tmpdir(), 'slipway-deploy-timeouts-'))
    ])
    // The app listens on each host's address: never on a port one of their sshd already has
    // (a health check would read an SSH banner: HPE_INVALID_CONSTANT).
    appPort = await freePort()
    while (fleet.hosts.some((h) => h.port === appPort)) appPort = await freePort()
    r1 = await makeTestRelease(scratch, testReleaseId(1))
    r2 = await makeTestRelease(scratch, testReleaseId(2))
    // Accepts every connection, reads the request, never answers.
    silent = createServer((s) => {
      sockets.push(s)
      s.resume()
    })
    silentPort = await freePort()
    await new Promise<void>((r) => silent.listen(silentPort, '127.0.0.1', r))
  })
  afterAll(async () => {
    for (const s of sockets) s.destroy()
    silent?.close()
    for (const h of fleet?.hosts ?? []) await stopTestApp(h.hostDir, (pid) => h.localPid(pid))
    await fleet?.stop()
    if (scratch) await rm(scratch, { recursive: true, force: true })
  })
  beforeEach(async () => {
    for (const h of fleet.hosts) {
      await stopTestApp(h.hostDir, (pid) => h.localPid(pid))
      for (const e of await readdir(h.hostDir)) await rm(join(h.hostDir, e), { recursive: true })
    }
  })

  function environment(overrides: Partial<EnvironmentConfig> = {}): EnvironmentConfig {
    return {
      name: 'production',
      hosts: fleet.hosts.map((h) => ({
        host: `${h.address}:${h.port}`,
        path: h.deployPath,
        port: appPort,
        name: h.name
      })),
      strategy: { batchSize: 1 },
      hooks: { afterActivate: TEST_APP_HOOK },
      healthCheck: { url: 'http://{host}:{port}/health', timeoutSeconds: 20 },
      keepReleases: 5,
      ...overrides
    }
  }

  const context = (): DeployContext => fleetContext(fleet, scratch)

  it('stops an afterActivate hook that sleeps after timeouts.hookSeconds and puts the hosts back', async () => {
    const first = await deployRelease(r1, environment(), context())
    expect(first.status, first.summary).toBe('succeeded')
    // The hook hangs for r2 only (restoring r1 runs it again, and must work).
    const hook = `[ "$SLIPWAY_RELEASE" != '${r2.id}' ] || sleep 41.5; ${TEST_APP_HOOK}`
    const started = Date.now()
    const d = await deployRelease(
      r2,
      environment({ hooks: { afterActivate: hook }, timeouts: { hookSeconds: 1 } }),
      context()
    )
    expect(d.status, d.summary).toBe('rolled-back')
    expect(d.summary).toContain(
      `${fleet.hosts[0].name}: afterActivate hook did not finish within 1 s (timeouts.hookSeconds)`
    )
    expect(Date.now() - started).toBeLessThan(15_000)
    for (const h of fleet.hosts) {
      const disk = await readHostDisk(h.hostDir)
      expect(disk.current).toBe(`releases/${r1.id}`)
      expect(disk.locked).toBe(false)
      expect(h.processes().map((p) => p.command)).not.toContainEqual(
        expect.stringContaining('sleep 41.5')
      )
    }
  })

  it('stops a beforeBatch hook that sleeps after timeouts.hookSeconds; no host is switched', async () => {
    const started = Date.now()
    const d = await deployRelease(
      r1,
      environment({
        hooks: { afterActivate: TEST_APP_HOOK, beforeBatch: 'sleep 42.5', afterBatch: 'true' },
        timeouts: { hookSeconds: 1 }
      }),
      context()
    )
    expect(d.status, d.summary).toBe('failed')
    expect(d.summary).toContain('did not finish within 1 s (timeouts.hookSeconds)')
    expect(Date.now() - started).toBeLessThan(15_000)
    expect(listProcesses().map((p) => p.command)).not.toContainEqual(
      expect.stringContaining('sleep 42.5')
    )
    for (const h of fleet.hosts) expect((await readHostDisk(h.hostDir)).current).toBeNull()
  })

  it('gives up a health URL that never answers after healthCheck.timeoutSeconds', async () => {
    const started = Date.now()
    const d = await deployRelease(
      r1,
      environment({
        healthCheck: { url: `http://127.0.0.1:${silentPort}/health`, timeoutSeconds: 1 }
      }),
      context()
    )
    expect(d.status, d.summary).toBe('rolled-back')
    expect(d.summary).toMatch(
      /^Failed on host-1: health check failed: http:\/\/127\.0\.0\.1:\d+\/health: no answer within \d+ ms \(gave up after 1 s \(healthCheck\.timeoutSeconds\)\); host-1 back on nothing;/
    )
    expect(sockets.length).toBeGreaterThan(0)
    expect(Date.now() - started).toBeLessThan(15_000)
    // Host 1 had nothing before: current is removed again, host 2 never switched.
    for (const h of fleet.hosts) expect((await readHostDisk(h.hostDir)).current).toBeNull()
  })
})
