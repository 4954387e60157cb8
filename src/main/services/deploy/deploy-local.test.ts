import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EnvironmentConfig } from '../../../shared/config-schema'
import type { Deployment } from '../../../shared/deploy-models'
import type { StoredRelease } from '../releases'
import { CredentialStore, HostTrustStore } from '../transport'
import {
  breakLock,
  deployRelease,
  readEnvironmentStatus,
  rollbackEnvironment,
  type DeployContext,
  type DeployEvent
} from '.'
import { fetchText, readHostDisk, treeListing } from '../../testing/host-disk'
import { freePort } from '../../testing/ports'
import { TEST_APP_HOOK, makeTestRelease, stopTestApp, testReleaseId } from '../../testing/test-app'

let root: string
let releases: StoredRelease[]
let counter = 0

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'slipway-deploy-local-'))
  releases = []
  for (let n = 1; n <= 5; n++) releases.push(await makeTestRelease(root, testReleaseId(n)))
})

const fleets: string[][] = []

/** A deployment that must succeed; the assertion says why it did not. */
function expectSucceeded(d: Deployment): void {
  expect(d.status, `${d.summary}\n${d.log.join('\n')}`).toBe('succeeded')
}
afterAll(async () => {
  for (const dirs of fleets) for (const d of dirs) await stopTestApp(d)
  await rm(root, { recursive: true, force: true })
})

/** A fresh environment of `count` local hosts, each serving the test app on its own port. */
async function localFleet(
  count: number,
  overrides: Partial<EnvironmentConfig> = {}
): Promise<{ env: EnvironmentConfig; dirs: string[]; ctx: DeployContext; events: DeployEvent[] }> {
  counter += 1
  const base = join(root, `fleet-${counter}`)
  await mkdir(base, { recursive: true })
  const dirs: string[] = []
  const hosts: EnvironmentConfig['hosts'] = []
  for (let i = 1; i <= count; i++) {
    const dir = join(base, `h${i}`)
    dirs.push(dir)
    hosts.push({ local: dir, port: await freePort(), name: `h${i}` })
  }
  fleets.push(dirs)
  const env: EnvironmentConfig = {
    name: 'staging',
    hosts,
    strategy: { batchSize: 1 },
    hooks: { afterActivate: TEST_APP_HOOK },
    healthCheck: { url: 'http://{host}:{port}/health', timeoutSeconds: 30 },
    keepReleases: 3,
    ...overrides
  }
  const events: DeployEvent[] = []
  const ctx: DeployContext = {
    workspacePath: base,
    dataDir: join(base, 'data'),
    transport: {
      workspacePath: base,
      trust: new HostTrustStore({ knownHostsFiles: [], trustedFile: join(base, 'trusted') }),
      credentials: new CredentialStore({ agentSocket: null, keyFiles: [] })
    },
    actor: 'tester@ci',
    onEvent: (e) => events.push(e)
  }
  return { env, dirs, ctx, events }
}

const link = (id: string): string => `releases/${id}`

describe('deployRelease over the local transport', () => {
  it('deploys to 4 hosts with batch 1, then batch 2, and every host serves the release', async () => {
    const { env, dirs, ctx, events } = await localFleet(4)
    const [r1, r2] = releases
    const first = await deployRelease(r1, env, ctx)
    expect(first.status, first.summary).toBe('succeeded')
    for (const [i, dir] of dirs.entries()) {
      const disk = await readHostDisk(dir)
      expect(disk.current).toBe(link(r1.id))
      expect(disk.previous).toBeNull()
      expect(disk.locked).toBe(false)
      expect(disk.log.map((e) => e.event)).toEqual(['started', 'activated', 'finished'])
      const port = (env.hosts[i] as { port: number }).port
      expect(JSON.parse(await fetchText(`http://127.0.0.1:${port}/health`))).toEqual({
        status: 'ok',
        release: r1.id
      })
    }
    // Batch 1: host n+1 is activated only after host n passed its health check.
    const activatedAt = await Promise.all(
      dirs.map(
        async (d) => (await readHostDisk(d)).log.find((e) => e.event === 'activated')?.at ?? ''
      )
    )
    expect([...activatedAt].sort()).toEqual(activatedAt)
    expect(events.at(-1)?.deployment.status).toBe('succeeded')
    expect(
      events.some((e) => e.deployment.hosts.some((h) => h.step === 'upload' && h.progress === 1))
    ).toBe(true)

    const second = await deployRelease(r2, { ...env, strategy: { batchSize: 2 } }, ctx)
    expect(second.status, second.summary).toBe('succeeded')
    for (const [i, dir] of dirs.entries()) {
      const disk = await readHostDisk(dir)
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
      const port = (env.hosts[i] as { port: number }).port
      expect(await fetchText(`http://127.0.0.1:${port}/health`)).toContain(r2.id)
    }
    const status = await readEnvironmentStatus(env, ctx)
    expect(status.drift).toBe(false)
    expect(status.hosts.map((h) => [h.host, h.release, h.previous, h.healthy, h.lock])).toEqual(
      dirs.map((_, i) => [`h${i + 1}`, r2.id, r1.id, true, null])
    )

    // Same release again: the upload is skipped (same sha256 already there).
    const again = await deployRelease(r2, env, ctx)
    expect(again.status).toBe('succeeded')
    expect(again.hosts.every((h) => h.step === 'cleanup')).toBe(true)
    expect(again.log.filter((l) => l.includes('upload skipped')).length).toBe(4)

    // Rollback: back to r1 on every host, nothing uploaded.
    const back = await rollbackEnvironment(env, ctx)
    expect(back.status, back.summary).toBe('succeeded')
    expect(back.release).toBe(r1.id)
    expect(back.log.some((l) => l.includes('upload'))).toBe(false)
    for (const [i, dir] of dirs.entries()) {
      const disk = await readHostDisk(dir)
      expect(disk.current).toBe(link(r1.id))
      expect(disk.locked).toBe(false)
      expect(disk.log.at(-1)?.event).toBe('finished')
      const port = (env.hosts[i] as { port: number }).port
      expect(await fetchText(`http://127.0.0.1:${port}/health`)).toContain(r1.id)
    }
    const missing = await rollbackEnvironment(env, ctx, { to: releases[4].id })
    expect(missing.status).toBe('failed')
    expect(missing.summary).toContain('not present')
  })

  it('rolls hosts 1-2 back when host 3 of 4 fails its health check, and marks the release bad', async () => {
    const { env, dirs, ctx } = await localFleet(4, {
      healthCheck: { url: 'http://{host}:{port}/health', timeoutSeconds: 10 }
    })
    const [r1, r2] = releases
    expectSucceeded(await deployRelease(r1, env, ctx))
    await writeFile(join(dirs[2], 'shared', 'broken'), r2.id)
    const result = await deployRelease(r2, env, ctx)
    expect(result.status, result.summary).toBe('rolled-back')
    expect(result.summary).toContain('h3')
    expect(result.hosts.map((h) => h.state)).toEqual([
      'rolled-back',
      'rolled-back',
      'rolled-back',
      'skipped'
    ])
    for (const [i, dir] of dirs.entries()) {
      const disk = await readHostDisk(dir)
      expect(disk.current).toBe(link(r1.id))
      expect(disk.previous).toBeNull()
      expect(disk.locked).toBe(false)
      expect(disk.bad).toEqual([r2.id])
      const events = disk.log.slice(3).map((e) => e.event)
      expect(events).toEqual(
        i < 3 ? ['started', 'activated', 'rolled-back', 'failed'] : ['started', 'failed']
      )
      {
        const port = (env.hosts[i] as { port: number }).port
        expect(await fetchText(`http://127.0.0.1:${port}/health`)).toContain(r1.id)
      }
    }
    const status = await readEnvironmentStatus(env, ctx)
    expect(status.badReleases).toEqual([r2.id])
    expect(status.drift).toBe(false)
    // Host 3 is broken only for r2: back on r1 it is healthy again, like every other host.
    expect(status.hosts.map((h) => [h.release, h.healthy])).toEqual(dirs.map(() => [r1.id, true]))
  })

  it('stops at preflight with no host modified when a shared file is missing on one host', async () => {
    const { env, dirs, ctx } = await localFleet(3, { shared: ['app.env'] })
    for (const d of [dirs[0], dirs[2]]) {
      await mkdir(join(d, 'shared'), { recursive: true })
      await writeFile(join(d, 'shared', 'app.env'), 'A=1\n')
    }
    const before = await Promise.all(dirs.map(treeListing))
    const result = await deployRelease(releases[0], env, ctx)
    expect(result.status).toBe('failed')
    expect(result.summary).toContain('h2')
    expect(result.summary).toContain('app.env')
    expect(result.summary).toContain('no host was modified')
    expect(await Promise.all(dirs.map(treeListing))).toEqual(before)
    await mkdir(join(dirs[1], 'shared'), { recursive: true })
    await writeFile(join(dirs[1], 'shared', 'app.env'), 'A=2\n')
    const ok = await deployRelease(releases[0], env, ctx)
    expect(ok.status, ok.summary).toBe('succeeded')
    for (const d of dirs) expect(existsSync(join(d, 'current', 'app.env'))).toBe(true)
  })

  it('refuses a held lock naming the holder, shows a stale one and breaks it with a reason', async () => {
    const { env, dirs, ctx } = await localFleet(2, {
      lockStaleAfterMs: undefined
    } as Partial<EnvironmentConfig>)
    expectSucceeded(await deployRelease(releases[0], env, ctx))
    const lock = (heartbeatAt: Date): string =>
      JSON.stringify({
        holder: 'alice@laptop',
        machine: 'laptop',
        reason: 'hotfix',
        since: heartbeatAt.toISOString(),
        heartbeatAt: heartbeatAt.toISOString(),
        deployment: 'd-x',
        environment: 'staging'
      }) + '\n'
    await writeFile(join(dirs[1], '.slipway', 'lock'), lock(new Date()))
    const before = await Promise.all(dirs.map(treeListing))
    const refused = await deployRelease(releases[1], env, ctx)
    expect(refused.status).toBe('failed')
    expect(refused.summary).toContain('alice@laptop')
    expect(await Promise.all(dirs.map(treeListing))).toEqual(before)
    await expect(breakLock(env, ctx, 'gone home')).rejects.toMatchObject({ code: 'locked' })
    await expect(breakLock(env, ctx, '  ')).rejects.toMatchObject({ code: 'bad-request' })

    await writeFile(join(dirs[1], '.slipway', 'lock'), lock(new Date(Date.now() - 11 * 60_000)))
    const status = await readEnvironmentStatus(env, ctx)
    expect(status.hosts[0].lock).toBeNull()
    expect(status.hosts[1].lock).toMatchObject({
      holder: 'alice@laptop',
      reason: 'hotfix',
      stale: true
    })
    expect((await deployRelease(releases[1], env, ctx)).summary).toContain('stale')
    await breakLock(env, ctx, 'alice left; laptop off')
    const disk = await readHostDisk(dirs[1])
    expect(disk.locked).toBe(false)
    expect(disk.log.at(-1)).toMatchObject({
      event: 'lock-broken',
      detail: 'alice left; laptop off',
      by: 'tester@ci',
      lock: { holder: 'alice@laptop' }
    })
    expectSucceeded(await deployRelease(releases[1], env, ctx))
  })

  it('lets exactly one of two simultaneous deployers take the lock', async () => {
    const { env, dirs, ctx } = await localFleet(3, { healthCheck: undefined, hooks: undefined })
    const [a, b] = await Promise.all([
      deployRelease(releases[0], env, { ...ctx, actor: 'ann@one' }),
      deployRelease(releases[1], env, { ...ctx, actor: 'ben@two' })
    ])
    const statuses = [a.status, b.status].sort()
    expect(statuses).toEqual(['failed', 'succeeded'])
    const [won, lost] = a.status === 'succeeded' ? [a, b] : [b, a]
    expect(lost.summary).toMatch(/locked by (ann@one|ben@two)/)
    for (const d of dirs) {
      const disk = await readHostDisk(d)
      expect(disk.current).toBe(link(won.release))
      expect(disk.releases).toEqual([won.release])
      expect(disk.locked).toBe(false)
    }
  })

  it('refuses an upload whose sha256 does not match on the host, leaving no release folder', async () => {
    const { env, dirs, ctx } = await localFleet(2, { healthCheck: undefined, hooks: undefined })
    expectSucceeded(await deployRelease(releases[0], env, ctx))
    const tampered = { ...releases[1], sha256: '0'.repeat(64) }
    const result = await deployRelease(tampered, env, ctx)
    expect(result.status).toBe('failed')
    // Both hosts verify in parallel; the first to fail stops the other.
    const messages = result.hosts.map((h) => h.message)
    expect(messages.some((m) => m.includes('sha256 mismatch'))).toBe(true)
    for (const m of messages) expect(m).toMatch(/sha256 mismatch|stopped: another host failed/)
    expect(result.summary).toContain('nothing was activated')
    for (const d of dirs) {
      const disk = await readHostDisk(d)
      expect(disk.current).toBe(link(releases[0].id))
      expect(disk.releases).toEqual([releases[0].id])
      expect(disk.locked).toBe(false)
      expect(await treeListing(join(d, '.slipway'))).not.toContainEqual(
        expect.stringContaining('upload-')
      )
    }
  })

  it('health-checks with a command run on the host in the new release, with the hook environment', async () => {
    const check =
      'test "$SLIPWAY_RELEASE" = "$(cat RELEASE)" && test -n "$SLIPWAY_BASE" && cat RELEASE'
    const { env, dirs, ctx } = await localFleet(2, {
      hooks: undefined,
      healthCheck: { command: check, timeoutSeconds: 30 }
    })
    const ok = await deployRelease(releases[0], env, ctx)
    expect(ok.status, ok.summary).toBe('succeeded')
    expect(ok.hosts.map((h) => h.message)).toEqual(['keeping 3', 'keeping 3'])
    const status = await readEnvironmentStatus(env, ctx)
    expect(status.hosts.map((h) => [h.release, h.healthy])).toEqual([
      [releases[0].id, true],
      [releases[0].id, true]
    ])
    const failing = await deployRelease(
      releases[1],
      { ...env, healthCheck: { command: 'exit 3', timeoutSeconds: 0.3 } },
      ctx
    )
    expect(failing.status).toBe('failed')
    expect(failing.summary).toContain('health command exited 3')
    for (const d of dirs) expect((await readHostDisk(d)).current).toBe(link(releases[0].id))
  })

  it('never lets metacharacters in names, reasons or actors reach a shell unquoted', async () => {
    const canary = join(root, 'pwned')
    const evil = [
      `$(touch ${canary})`,
      `\`touch ${canary}\``,
      `'; touch ${canary}; '`,
      `"; touch ${canary}; "`
    ].join(' ')
    const { env, dirs, ctx } = await localFleet(2, {
      shared: [`cfg $(touch ${canary.replaceAll('/', '_')}).env`]
    })
    for (const d of dirs) {
      await mkdir(join(d, 'shared'), { recursive: true })
      await writeFile(join(d, 'shared', `cfg $(touch ${canary.replaceAll('/', '_')}).env`), 'x')
    }
    const result = await deployRelease(releases[0], env, { ...ctx, actor: evil }, { reason: evil })
    expect(result.status, result.summary).toBe('succeeded')
    expect(existsSync(canary)).toBe(false)
    const disk = await readHostDisk(dirs[0])
    expect(disk.log[0].by).toBe(evil)
    await expect(
      deployRelease({ ...releases[1], id: `${releases[1].id};touch ${canary}` }, env, ctx)
    ).rejects.toMatchObject({
      code: 'bad-request'
    })
    await expect(rollbackEnvironment(env, ctx, { to: `$(touch ${canary})` })).rejects.toMatchObject(
      { code: 'bad-request' }
    )
    expect(existsSync(canary)).toBe(false)
  })

  it('keeps keepReleases, never the current or previous one', async () => {
    const { env, dirs, ctx } = await localFleet(1, {
      keepReleases: 2,
      healthCheck: undefined,
      hooks: undefined
    })
    for (const r of releases) expectSucceeded(await deployRelease(r, env, ctx))
    const disk = await readHostDisk(dirs[0])
    expect(disk.releases).toEqual([releases[3].id, releases[4].id])
    expect(disk.current).toBe(link(releases[4].id))
    expect(disk.previous).toBe(releases[3].id)
  })

  it('cancels during activation: the activated hosts go back, the lock is released', async () => {
    const { env, dirs, ctx, events } = await localFleet(3)
    const [r1, r2] = releases
    expectSucceeded(await deployRelease(r1, env, ctx))
    await writeFile(join(dirs[1], 'shared', 'slow-hook'), '1')
    const abort = new AbortController()
    const watcher = setInterval(() => {
      const last = events.at(-1)?.deployment
      if (last?.hosts[1].step === 'hook' && last.hosts[1].state === 'running') abort.abort()
    }, 10)
    const result = await deployRelease(r2, env, ctx, { signal: abort.signal })
    clearInterval(watcher)
    expect(result.status, result.summary).toBe('cancelled')
    for (const d of dirs) {
      const disk = await readHostDisk(d)
      expect(disk.current).toBe(link(r1.id))
      expect(disk.locked).toBe(false)
      expect(disk.log.at(-1)?.event).toBe('cancelled')
    }
    expect(result.hosts.map((h) => h.state)).toEqual(['rolled-back', 'rolled-back', 'skipped'])
  })
})
