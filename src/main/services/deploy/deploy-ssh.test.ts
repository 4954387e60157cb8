import { spawn } from 'node:child_process'
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { promisify } from 'node:util'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Deployment } from '../../../shared/deploy-models'
import type { EnvironmentConfig } from '../../../shared/config-schema'
import type { StoredRelease } from '../releases'
import { HostTrustStore, type TransportContext } from '../transport'
import { fetchText, readHostDisk, treeListing } from '../../testing/host-disk'
import { freePort } from '../../testing/ports'
import { fleetContext } from '../../testing/sshd-deploy'
import { sshdUnavailableReason, startSshFleet, type SshTestFleet } from '../../testing/sshd-hosts'
import { TEST_APP_HOOK, makeTestRelease, stopTestApp, testReleaseId } from '../../testing/test-app'
import {
  breakLock,
  deployRelease,
  readEnvironmentStatus,
  rollbackEnvironment,
  type DeployContext,
  type DeployEvent
} from '.'

const run = promisify(execFile)

/** A deployment that must succeed; the assertion says why it did not. */
function expectSucceeded(d: Deployment): void {
  expect(d.status, `${d.summary}\n${d.log.join('\n')}`).toBe('succeeded')
}
const skip = sshdUnavailableReason()

describe.skipIf(skip !== null)('deployRelease to real sshd hosts', () => {
  let fleet: SshTestFleet
  let scratch: string
  let appPort: number
  let releases: StoredRelease[]
  let big: StoredRelease

  beforeAll(async () => {
    ;[fleet, scratch, appPort] = await Promise.all([
      startSshFleet(4, { firstAddress: 51, deployPath: '/srv/slipway-deploy-test/app' }),
      mkdtemp(join(tmpdir(), 'slipway-deploy-ssh-')),
      freePort()
    ])
    releases = []
    for (let n = 1; n <= 3; n++) releases.push(await makeTestRelease(scratch, testReleaseId(n)))
    big = await makeTestRelease(scratch, testReleaseId(9), {
      'data.bin': randomBytes(24 * 1024 * 1024)
    })
  })

  afterAll(async () => {
    await fleet?.stop()
    if (scratch) await rm(scratch, { recursive: true, force: true })
  })

  // Each test starts from empty hosts with no app running.
  beforeEach(async () => {
    for (const h of fleet.hosts) {
      await stopTestApp(h.hostDir, (pid) => h.localPid(pid))
      for (const entry of await readdir(h.hostDir))
        await rm(join(h.hostDir, entry), { recursive: true, force: true })
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
      healthCheck: { url: 'http://{host}:{port}/health', timeoutSeconds: 30 },
      keepReleases: 5,
      ...overrides
    }
  }

  function context(
    events: DeployEvent[] = [],
    transport: Partial<TransportContext> = {},
    lockStaleAfterMs?: number
  ): DeployContext {
    const base = fleetContext(fleet, scratch)
    return {
      ...base,
      transport: { ...base.transport, ...transport },
      ...(lockStaleAfterMs ? { lockStaleAfterMs } : {}),
      onEvent: (e) => events.push(e)
    }
  }

  const link = (id: string): string => `releases/${id}`
  const health = (i: number): Promise<string> =>
    fetchText(`http://${fleet.hosts[i].address}:${appPort}/health`)

  it('deploys to 4 hosts with batch 1 then batch 2; each host serves the release on its own address', async () => {
    const [r1, r2] = releases
    const env = environment()
    const first = await deployRelease(r1, env, context())
    expect(first.status, first.summary).toBe('succeeded')
    const second = await deployRelease(r2, { ...env, strategy: { batchSize: 2 } }, context())
    expect(second.status, second.summary).toBe('succeeded')
    for (const [i, h] of fleet.hosts.entries()) {
      const disk = await readHostDisk(h.hostDir)
      expect(disk.current).toBe(link(r2.id))
      expect(disk.previous).toBe(r1.id)
      expect(disk.releases).toEqual([r1.id, r2.id])
      expect(disk.locked).toBe(false)
      expect(disk.log.map((e) => e.event)).toEqual([
        'started',
        'activated',
        'finished',
        'started',
        'activated',
        'finished'
      ])
      expect(JSON.parse(await health(i))).toEqual({ status: 'ok', release: r2.id })
    }
    // Batch 2: hosts 1-2 switched before hosts 3-4, each pair together.
    const at = await Promise.all(
      fleet.hosts.map(async (h) => (await readHostDisk(h.hostDir)).log[4].at)
    )
    expect(at[0] < at[2] && at[1] < at[2] && at[0] < at[3] && at[1] < at[3]).toBe(true)
    const status = await readEnvironmentStatus(env, context())
    expect(status.hosts.map((h) => [h.host, h.reachable, h.release, h.healthy, h.lock])).toEqual(
      fleet.hosts.map((h) => [h.name, true, r2.id, true, null])
    )
    const back = await rollbackEnvironment(env, context())
    expect(back.status, back.summary).toBe('succeeded')
    for (const [i, h] of fleet.hosts.entries()) {
      expect((await readHostDisk(h.hostDir)).current).toBe(link(r1.id))
      expect(await health(i)).toContain(r1.id)
    }
  })

  it('health check failing on host 3 of 4: hosts 1-3 back on the previous release, lock released, release bad', async () => {
    const [r1, r2] = releases
    const env = environment({
      healthCheck: { url: 'http://{host}:{port}/health', timeoutSeconds: 10 }
    })
    expectSucceeded(await deployRelease(r1, env, context()))
    await writeFile(join(fleet.hosts[2].hostDir, 'shared', 'broken'), r2.id)
    const result = await deployRelease(r2, env, context())
    expect(result.status, result.summary).toBe('rolled-back')
    expect(result.summary).toContain(fleet.hosts[2].name)
    for (const [i, h] of fleet.hosts.entries()) {
      const disk = await readHostDisk(h.hostDir)
      expect(disk.current).toBe(link(r1.id))
      expect(disk.locked).toBe(false)
      expect(disk.bad).toEqual([r2.id])
      expect(disk.log.slice(3).map((e) => e.event)).toEqual(
        i < 3 ? ['started', 'activated', 'rolled-back', 'failed'] : ['started', 'failed']
      )
      expect(await health(i)).toContain(r1.id)
    }
    const status = await readEnvironmentStatus(env, context())
    expect(status.badReleases).toEqual([r2.id])
    expect(status.drift).toBe(false)
  })

  it('a host unreachable at preflight: no host modified', async () => {
    const env = environment()
    expectSucceeded(await deployRelease(releases[0], env, context()))
    const before = await Promise.all(fleet.hosts.map((h) => treeListing(h.hostDir)))
    fleet.hosts[1].kill()
    try {
      const result = await deployRelease(releases[1], env, context())
      expect(result.status).toBe('failed')
      expect(result.summary).toContain(fleet.hosts[1].name)
      expect(result.summary).toContain('no host was modified')
      expect(await Promise.all(fleet.hosts.map((h) => treeListing(h.hostDir)))).toEqual(before)
      const status = await readEnvironmentStatus(env, context())
      expect(status.hosts.map((h) => h.reachable)).toEqual([true, false, true, true])
      expect(status.hosts[1].error).toBeTruthy()
    } finally {
      await fleet.hosts[1].restart()
    }
  })

  it('sshd killed during upload: a clear failure, nothing activated, the dead host keeps a lock that goes stale', async () => {
    const env = environment()
    expectSucceeded(await deployRelease(releases[0], env, context()))
    const events: DeployEvent[] = []
    let killed = false
    const ctx = context(events, {}, 1000)
    const result = await deployRelease(big, env, {
      ...ctx,
      onEvent: (e) => {
        const p = e.deployment.hosts[1].progress
        if (!killed && p !== null && p > 0.05 && p < 1) {
          killed = true
          fleet.hosts[1].kill()
        }
      }
    })
    expect(killed).toBe(true)
    try {
      expect(result.status).toBe('failed')
      expect(result.summary).toContain(`Upload failed on ${fleet.hosts[1].name}`)
      expect(result.summary).toContain('nothing was activated')
      expect(result.hosts[1].state).toBe('failed')
      await fleet.hosts[1].restart()
      for (const [i, h] of fleet.hosts.entries()) {
        const disk = await readHostDisk(h.hostDir)
        expect(disk.current).toBe(link(releases[0].id))
        expect(disk.releases).toEqual([releases[0].id])
        expect(disk.locked).toBe(i === 1)
        if (i !== 1) expect(disk.log.at(-1)?.event).toBe('failed')
      }
      await new Promise((r) => setTimeout(r, 1100))
      const status = await readEnvironmentStatus(env, ctx)
      expect(status.hosts[1].lock).toMatchObject({ holder: 'release-manager@laptop', stale: true })
      await breakLock(env, ctx, 'the deploy died with host 2')
      expect((await readHostDisk(fleet.hosts[1].hostDir)).locked).toBe(false)
      // The next good deploy clears what the interrupted upload left on host 2.
      const partial = await treeListing(join(fleet.hosts[1].hostDir, '.slipway'))
      expect(partial.filter((f) => f.includes('upload-')).length).toBeGreaterThan(0)
      expectSucceeded(await deployRelease(releases[1], env, ctx))
      const leftovers = await treeListing(join(fleet.hosts[1].hostDir, '.slipway'))
      expect(leftovers.filter((f) => f.includes('upload-'))).toEqual([])
      expect(await readdir(join(fleet.hosts[1].hostDir, 'releases'))).toEqual([
        releases[0].id,
        releases[1].id
      ])
    } finally {
      await fleet.hosts[1].restart().catch(() => undefined)
    }
  })

  it('lock held by someone else: refused naming the holder; stale lock shown and broken with a reason', async () => {
    const env = environment()
    expectSucceeded(await deployRelease(releases[0], env, context()))
    const at = new Date(Date.now() - 60_000).toISOString()
    const lock = {
      holder: 'bob@desk',
      machine: 'desk',
      reason: 'db migration',
      since: at,
      heartbeatAt: at,
      deployment: 'dX'
    }
    await writeFile(join(fleet.hosts[3].hostDir, '.slipway', 'lock'), JSON.stringify(lock) + '\n')
    const refused = await deployRelease(releases[1], env, context())
    expect(refused.status).toBe('failed')
    expect(refused.summary).toContain('bob@desk')
    expect(fleet.hosts.every((h) => !existsSync(join(h.hostDir, 'releases', releases[1].id)))).toBe(
      true
    )
    await expect(breakLock(env, context(), 'bob is away')).rejects.toMatchObject({ code: 'locked' })
    const ctx = context([], {}, 30_000)
    expect((await readEnvironmentStatus(env, ctx)).hosts[3].lock).toMatchObject({
      holder: 'bob@desk',
      stale: true
    })
    await breakLock(env, ctx, 'bob is away; migration done')
    expect((await readHostDisk(fleet.hosts[3].hostDir)).log.at(-1)).toMatchObject({
      event: 'lock-broken',
      detail: 'bob is away; migration done'
    })
    expectSucceeded(await deployRelease(releases[1], env, context()))
  })

  it('the deploying process killed mid-deploy: a fresh status read shows each host truth and its lock, stale at once', async () => {
    const [r1, r2] = releases
    const env = environment()
    expectSucceeded(await deployRelease(r1, env, context()))
    await writeFile(join(fleet.hosts[1].hostDir, 'shared', 'slow-hook'), '5')
    const bundle = join(scratch, 'deploy-child.cjs')
    await run(join(process.cwd(), 'node_modules/.bin/esbuild'), [
      join(import.meta.dirname, '..', '..', 'testing', 'deploy-child.ts'),
      '--bundle',
      '--platform=node',
      '--format=cjs',
      '--packages=external',
      `--outfile=${bundle}`,
      '--log-level=error'
    ])
    const input = join(scratch, 'child-input.json')
    await writeFile(
      input,
      JSON.stringify({
        release: r2,
        env,
        workspacePath: scratch,
        dataDir: join(scratch, 'child-data'),
        knownHostsFile: fleet.knownHostsFile,
        trustedFile: join(scratch, 'trusted-child'),
        keyFile: fleet.userKeyFile,
        // The heartbeat's own staleness is not what makes these locks stale (the child is gone).
        lockStaleAfterMs: 6000
      })
    )
    const child = spawn(process.execPath, [bundle, input], {
      stdio: ['ignore', 'pipe', 'inherit'],
      // The bundle lives in a temp folder: resolve its external packages from this project.
      env: { ...process.env, NODE_PATH: join(process.cwd(), 'node_modules') },
      cwd: process.cwd()
    })
    const lines = createInterface({ input: child.stdout })
    const killedAt = await new Promise<Deployment | null>((resolve) => {
      lines.on('line', (line) => {
        const d = JSON.parse(line) as Deployment
        if (d.hosts[1].step === 'hook' && d.hosts[1].state === 'running') {
          child.kill('SIGKILL')
          resolve(d)
        }
      })
      child.on('exit', () => resolve(null))
    })
    expect(killedAt?.hosts[0].state).toBe('done')
    await new Promise((r) => child.once('exit', r))
    const ctx = context([], {}, 6000)
    const fresh = await readEnvironmentStatus(env, ctx)
    expect(fresh.hosts.map((h) => h.release)).toEqual([r2.id, r2.id, r1.id, r1.id])
    expect(fresh.drift).toBe(true)
    // The deployer was a process on this machine and it is gone: each lock is stale at once,
    // saying so, without waiting for its heartbeat to age (#11 item 3).
    for (const h of fresh.hosts) {
      expect(h.lock?.holder).toBe('child@ci')
      expect(h.lock?.stale).toBe(true)
      expect(h.lock?.holderGone).toMatch(/^the Slipway that took it on this machine is gone: /)
    }
    for (const h of fleet.hosts)
      expect((await readHostDisk(h.hostDir)).log.at(-1)?.event).toBe(
        h === fleet.hosts[0] || h === fleet.hosts[1] ? 'activated' : 'started'
      )
    // Recovery: break the stale lock, roll everyone back to the release before.
    await breakLock(env, ctx, 'deployer crashed')
    await rm(join(fleet.hosts[1].hostDir, 'shared', 'slow-hook'))
    const back = await rollbackEnvironment(env, ctx)
    expect(back.status, back.summary).toBe('succeeded')
    expect(back.release).toBe(r1.id)
    for (const h of fleet.hosts) expect((await readHostDisk(h.hostDir)).current).toBe(link(r1.id))
  })

  it('keeps release ids, names and reasons with shell metacharacters inert on the remote shell', async () => {
    const canary = join(fleet.hosts[0].deployPath, 'pwned')
    const evil = `$(touch ${canary}) \`touch ${canary}\` '; touch ${canary}; '`
    const env = environment({
      hosts: environment().hosts.slice(0, 1),
      shared: [`a $(touch ${canary.replaceAll('/', '')}).env`]
    })
    await mkdir(join(fleet.hosts[0].hostDir, 'shared'), { recursive: true })
    await writeFile(
      join(fleet.hosts[0].hostDir, 'shared', `a $(touch ${canary.replaceAll('/', '')}).env`),
      ''
    )
    const result = await deployRelease(
      releases[0],
      env,
      { ...context(), actor: evil },
      { reason: evil }
    )
    expect(result.status, result.summary).toBe('succeeded')
    await expect(
      deployRelease({ ...releases[1], id: `${releases[1].id}$(touch ${canary})` }, env, context())
    ).rejects.toMatchObject({ code: 'bad-request' })
    expect(existsSync(join(fleet.hosts[0].hostDir, 'pwned'))).toBe(false)
    expect((await readHostDisk(fleet.hosts[0].hostDir)).log[0].by).toBe(evil)
  })

  // Last: it replaces host 1's key for good.
  it('refuses an unknown host key until it is accepted, and a changed host key', async () => {
    const env = environment({ hosts: environment().hosts.slice(0, 2) })
    const trust = new HostTrustStore({
      knownHostsFiles: [],
      trustedFile: join(scratch, 'trusted-own')
    })
    const ctx = context([], { trust })
    const refused = await deployRelease(releases[0], env, ctx)
    expect(refused.status).toBe('failed')
    expect(refused.hosts[0].message).toContain(fleet.hosts[0].hostKeyFingerprint)
    expect(fleet.hosts.slice(0, 2).every((h) => !existsSync(join(h.hostDir, 'releases')))).toBe(
      true
    )
    for (const h of fleet.hosts.slice(0, 2)) {
      const [keyType, key] = h.hostPublicKey.split(' ')
      await trust.trust(h.address, h.port, keyType, key)
    }
    const accepted = await deployRelease(releases[0], env, ctx)
    expect(accepted.status, accepted.summary).toBe('succeeded')

    await fleet.hosts[0].regenerateHostKey()
    const changed = await deployRelease(releases[1], env, ctx)
    expect(changed.status).toBe('failed')
    expect(changed.hosts[0].message.toLowerCase()).toContain('changed')
    for (const h of fleet.hosts.slice(0, 2))
      expect((await readHostDisk(h.hostDir)).current).toBe(link(releases[0].id))
  })
})
