import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EnvironmentConfig } from '../../../shared/config-schema'
import type { StoredRelease } from '../releases'
import { CredentialStore, HostTrustStore, shellQuote } from '../transport'
import { deployRelease, rollbackEnvironment, type DeployContext } from '.'
import { readHostDisk } from '../../testing/host-disk'
import { freePort } from '../../testing/ports'
import { TEST_APP_HOOK, makeTestRelease, stopTestApp, testReleaseId } from '../../testing/test-app'

// The per-batch hooks (hooks.beforeBatch / hooks.afterBatch): when they run, what they are
// told, and what a failing one does, around real local hosts running the test app.

let root: string
let r1: StoredRelease
let r2: StoredRelease
let counter = 0
const fleets: string[][] = []

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'slipway-batch-hooks-'))
  r1 = await makeTestRelease(root, testReleaseId(1))
  r2 = await makeTestRelease(root, testReleaseId(2))
})
afterAll(async () => {
  for (const dirs of fleets) for (const d of dirs) await stopTestApp(d)
  await rm(root, { recursive: true, force: true })
})

const LINE = '$SLIPWAY_PHASE $SLIPWAY_BATCH/$SLIPWAY_BATCHES $SLIPWAY_ENVIRONMENT $SLIPWAY_RELEASE'

/**
 * `count` local hosts whose hooks append to a journal: the batch hooks (run in the workspace)
 * write their phase, batch, environment, release, SLIPWAY_HOSTS and the expanded `{hosts}`;
 * afterActivate (run on each host) writes the port and release before restarting the app.
 */
async function fleet(
  count: number,
  hooks: { before?: string; after?: string; drainSeconds?: number } = {},
  batchSize = 1
): Promise<{
  env: EnvironmentConfig
  dirs: string[]
  ports: number[]
  ctx: DeployContext
  journal: () => Promise<string[]>
}> {
  counter += 1
  const base = join(root, `fleet-${counter}`)
  await mkdir(base, { recursive: true })
  const journalFile = join(base, 'journal')
  const dirs: string[] = []
  const ports: number[] = []
  const hosts: EnvironmentConfig['hosts'] = []
  for (let i = 1; i <= count; i++) {
    const dir = join(base, `h${i}`)
    const port = await freePort()
    dirs.push(dir)
    ports.push(port)
    hosts.push({ local: dir, port, name: `h${i}` })
  }
  fleets.push(dirs)
  const env: EnvironmentConfig = {
    name: 'prod',
    hosts,
    strategy: { batchSize },
    hooks: {
      afterActivate: `echo "activate $SLIPWAY_PORT $SLIPWAY_RELEASE" >> ${shellQuote(journalFile)} && ${TEST_APP_HOOK}`,
      beforeBatch: `${hooks.before ?? ''}echo "before ${LINE} [$SLIPWAY_HOSTS] {hosts}" >> journal`,
      afterBatch: `${hooks.after ?? ''}echo "after ${LINE} [$SLIPWAY_HOSTS] {hosts}" >> journal`,
      drainSeconds: hooks.drainSeconds ?? 0
    },
    healthCheck: { url: 'http://{host}:{port}/health', timeoutSeconds: 10 },
    keepReleases: 3
  }
  const ctx: DeployContext = {
    workspacePath: base,
    dataDir: join(base, 'data'),
    transport: {
      workspacePath: base,
      trust: new HostTrustStore({ knownHostsFiles: [], trustedFile: join(base, 'trusted') }),
      credentials: new CredentialStore({ agentSocket: null, keyFiles: [] })
    },
    actor: 'tester@ci'
  }
  const journal = async (): Promise<string[]> => {
    const text = await readFile(journalFile, 'utf8').catch(() => '')
    await writeFile(journalFile, '')
    return text.split('\n').filter(Boolean)
  }
  return { env, dirs, ports, ctx, journal }
}

const at = (port: number): string => `127.0.0.1:${port}`

describe('hooks.beforeBatch and hooks.afterBatch', () => {
  it('wrap each batch of a deploy and a rollback, with the batch hosts, environment and release', async () => {
    const { env, ports, ctx, journal } = await fleet(3, { drainSeconds: 0.3 }, 2)
    const [p1, p2, p3] = ports
    const started = Date.now()
    const first = await deployRelease(r1, env, ctx)
    expect(first.status, first.summary).toBe('succeeded')
    const lines = await journal()
    // Within a batch the two hosts activate in parallel: their order is free.
    expect([lines[0], [...lines.slice(1, 3)].sort(), ...lines.slice(3)]).toEqual([
      `before deploy 1/2 prod ${r1.id} [${at(p1)} ${at(p2)}] ${at(p1)} ${at(p2)}`,
      [`activate ${p1} ${r1.id}`, `activate ${p2} ${r1.id}`].sort(),
      `after deploy 1/2 prod ${r1.id} [${at(p1)} ${at(p2)}] ${at(p1)} ${at(p2)}`,
      `before deploy 2/2 prod ${r1.id} [${at(p3)}] ${at(p3)}`,
      `activate ${p3} ${r1.id}`,
      `after deploy 2/2 prod ${r1.id} [${at(p3)}] ${at(p3)}`
    ])
    // The batch hooks ran in the workspace and left nothing there but what they wrote.
    expect((await readdir(ctx.workspacePath)).sort()).toEqual(['data', 'h1', 'h2', 'h3', 'journal'])
    // Two drains of 0.3 s, and the deployment log names each hook.
    expect(Date.now() - started).toBeGreaterThanOrEqual(600)
    expect(
      first.log.filter((l) => / (before|after)Batch \(deploy, batch \d\/2/.test(l))
    ).toHaveLength(4)

    expect((await deployRelease(r2, env, ctx)).status).toBe('succeeded')
    await journal()
    const back = await rollbackEnvironment(env, ctx)
    expect(back.status, back.summary).toBe('succeeded')
    const rolled = await journal()
    expect(rolled.filter((l) => !l.startsWith('activate'))).toEqual([
      `before rollback 1/2 prod ${r1.id} [${at(p1)} ${at(p2)}] ${at(p1)} ${at(p2)}`,
      `after rollback 1/2 prod ${r1.id} [${at(p1)} ${at(p2)}] ${at(p1)} ${at(p2)}`,
      `before rollback 2/2 prod ${r1.id} [${at(p3)}] ${at(p3)}`,
      `after rollback 2/2 prod ${r1.id} [${at(p3)}] ${at(p3)}`
    ])
  })

  it('puts the failed batch back first, then rolls earlier batches back with their hooks', async () => {
    const { env, dirs, ports, ctx, journal } = await fleet(3)
    const [p1, p2] = ports
    expect((await deployRelease(r1, env, ctx)).status).toBe('succeeded')
    await journal()
    // Host 2 reports another release under r2: its health check never proves r2.
    await writeFile(join(dirs[1], 'shared', 'broken'), r2.id)
    const failed = await deployRelease(
      r2,
      { ...env, healthCheck: { url: 'http://{host}:{port}/health', timeoutSeconds: 2 } },
      ctx
    )
    expect(failed.status, failed.summary).toBe('rolled-back')
    expect(await journal()).toEqual([
      `before deploy 1/3 prod ${r2.id} [${at(p1)}] ${at(p1)}`,
      `activate ${p1} ${r2.id}`,
      `after deploy 1/3 prod ${r2.id} [${at(p1)}] ${at(p1)}`,
      `before deploy 2/3 prod ${r2.id} [${at(p2)}] ${at(p2)}`,
      `activate ${p2} ${r2.id}`,
      // Host 2 is still out of the balancer: switched back, then put back in.
      `activate ${p2} ${r1.id}`,
      `after restore 1/2 prod ${r1.id} [${at(p2)}] ${at(p2)}`,
      `before restore 2/2 prod ${r1.id} [${at(p1)}] ${at(p1)}`,
      `activate ${p1} ${r1.id}`,
      `after restore 2/2 prod ${r1.id} [${at(p1)}] ${at(p1)}`
    ])
    for (const dir of dirs) expect((await readHostDisk(dir)).current).toBe(`releases/${r1.id}`)
  })

  it('a failing beforeBatch stops the deploy: its batch is put back, earlier ones rolled back', async () => {
    const failSecond = `[ "$SLIPWAY_PHASE $SLIPWAY_BATCH" != "deploy 2" ] || { echo "balancer API said 503" >&2; exit 4; }; `
    const { env, dirs, ports, ctx, journal } = await fleet(3, { before: failSecond })
    const [p1, p2] = ports
    expect((await deployRelease(r1, env, ctx)).status).toBe('rolled-back')
    await journal()
    // The first deploy (r1 over nothing) failed at batch 2 too; host 1 had nothing before.
    for (const dir of dirs) expect((await readHostDisk(dir)).current).toBeNull()
    const noHooks = { ...env, hooks: { afterActivate: env.hooks?.afterActivate } }
    expect((await deployRelease(r1, noHooks, ctx)).status).toBe('succeeded')
    await journal()
    const failed = await deployRelease(r2, env, ctx)
    expect(failed.status, failed.summary).toBe('rolled-back')
    expect(failed.summary).toContain(
      'beforeBatch hook failed for batch 2 (h2): balancer API said 503 (exit 4)'
    )
    expect(await journal()).toEqual([
      `before deploy 1/3 prod ${r2.id} [${at(p1)}] ${at(p1)}`,
      `activate ${p1} ${r2.id}`,
      `after deploy 1/3 prod ${r2.id} [${at(p1)}] ${at(p1)}`,
      // beforeBatch of batch 2 failed before its echo; host 2 was never switched.
      `after restore 1/2 prod ${r1.id} [${at(p2)}] ${at(p2)}`,
      `before restore 2/2 prod ${r1.id} [${at(p1)}] ${at(p1)}`,
      `activate ${p1} ${r1.id}`,
      `after restore 2/2 prod ${r1.id} [${at(p1)}] ${at(p1)}`
    ])
    const h2 = await readHostDisk(dirs[1])
    expect(h2.current).toBe(`releases/${r1.id}`)
    expect(h2.log.some((e) => e.event === 'activated' && e.release === r2.id)).toBe(false)
    expect(failed.hosts[1]).toMatchObject({ state: 'skipped', message: 'beforeBatch failed' })
  })

  it('a failing afterBatch fails the deploy and says which hosts may still be out', async () => {
    const { env, dirs, ctx } = await fleet(2, {
      after: 'echo "no route to balancer" >&2; exit 5; '
    })
    const noHooks = { ...env, hooks: { afterActivate: env.hooks?.afterActivate } }
    expect((await deployRelease(r1, noHooks, ctx)).status).toBe('succeeded')
    const failed = await deployRelease(r2, env, ctx)
    expect(failed.status, failed.summary).toBe('rolled-back')
    expect(failed.summary).toContain('afterBatch hook failed for batch 1 (h1)')
    expect(failed.summary).toContain('no route to balancer')
    expect(failed.summary).toContain('h1 may still be out of the load balancer (afterBatch failed)')
    for (const dir of dirs) expect((await readHostDisk(dir)).current).toBe(`releases/${r1.id}`)
    expect(
      (await readHostDisk(dirs[1])).log.some((e) => e.release === r2.id && e.event === 'activated')
    ).toBe(false)
  })
})
