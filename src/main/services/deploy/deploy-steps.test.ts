import { createServer, type Server } from 'node:http'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EnvironmentConfig } from '../../../shared/config-schema'
import type { Deployment, HostStep } from '../../../shared/deploy-models'
import type { StoredRelease } from '../releases'
import { CredentialStore, HostTrustStore } from '../transport'
import { deployRelease, rollbackEnvironment, type DeployContext, type DeployEvent } from '.'
import { freePort } from '../../testing/ports'
import { TEST_APP_HOOK, makeTestRelease, stopTestApp, testReleaseId } from '../../testing/test-app'

// What the progress dialog's step chips are made of: each step a host reported or skipped, the
// health wait's deadline while it waits, and the health check's last answer.

let root: string
let releases: StoredRelease[]
let counter = 0
const hostDirs: string[] = []

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'slipway-deploy-steps-'))
  releases = [
    await makeTestRelease(root, testReleaseId(1)),
    await makeTestRelease(root, testReleaseId(2))
  ]
})

afterAll(async () => {
  for (const d of hostDirs) await stopTestApp(d)
  await rm(root, { recursive: true, force: true })
})

/** One local host and a context recording every event. */
async function oneHost(
  overrides: Partial<EnvironmentConfig>
): Promise<{ env: EnvironmentConfig; ctx: DeployContext; events: DeployEvent[] }> {
  counter += 1
  const base = join(root, `fleet-${counter}`)
  const dir = join(base, 'h1')
  await mkdir(dir, { recursive: true })
  hostDirs.push(dir)
  const env: EnvironmentConfig = {
    name: 'staging',
    hosts: [{ local: dir, port: await freePort(), name: 'h1' }],
    strategy: { batchSize: 1 },
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
  return { env, ctx, events }
}

/** Every snapshot the events carried, with the time it arrived. */
function snapshots(events: readonly DeployEvent[]): Deployment[] {
  return events.flatMap((e) => (e.kind === 'deployment' ? [e.deployment] : []))
}

const stepMap = (d: Deployment): Record<string, Omit<HostStep, 'step'>> =>
  Object.fromEntries((d.hosts[0].steps ?? []).map(({ step, ...rest }) => [step, rest]))

describe('deploy steps, health deadline and last answer', () => {
  let server: Server
  let healthPort: number
  let asked = 0

  beforeAll(async () => {
    healthPort = await freePort()
    // A real app that is up but never ready.
    server = createServer((_req, res) => {
      asked += 1
      res.writeHead(503, { 'content-type': 'text/plain' })
      res.end('database not ready\n  (pool 0/10)\n')
    })
    await new Promise<void>((r) => server.listen(healthPort, '127.0.0.1', r))
  })
  afterAll(async () => {
    await new Promise((r) => server.close(r))
  })

  it('a failing health check: a deadline while waiting, its last answer kept after switching back', async () => {
    const url = `http://127.0.0.1:${healthPort}/health`
    const { env, ctx, events } = await oneHost({ healthCheck: { url, timeoutSeconds: 2 } })
    const arrivals: number[] = []
    const onEvent = ctx.onEvent
    const timed: DeployContext = {
      ...ctx,
      onEvent: (e) => {
        arrivals.push(Date.now())
        onEvent?.(e)
      }
    }
    const result = await deployRelease(releases[0], env, timed)
    expect(result.status, result.summary).toBe('rolled-back')
    expect(asked).toBeGreaterThan(1)

    // While it waited: the deadline, timeoutSeconds after the wait began, from the server.
    const all = snapshots(events)
    const waiting = all.findIndex((d) => d.hosts[0].healthDeadline)
    expect(waiting).toBeGreaterThan(0)
    const deadline = Date.parse(all[waiting].hosts[0].healthDeadline ?? '')
    const left = deadline - arrivals[waiting]
    expect(left).toBeGreaterThan(1000)
    expect(left).toBeLessThanOrEqual(2000)
    expect(all[waiting].hosts[0]).toMatchObject({ step: 'health', state: 'running' })
    // And each answer, as the running step's message, before giving up.
    const answered = all.find((d) => d.hosts[0].message.includes('last answer'))
    expect(answered?.hosts[0].message).toBe(
      `waiting for the host to serve ${releases[0].id}; last answer: ${url} answered 503: "database not ready (pool 0/10)"`
    )
    expect(answered?.hosts[0].healthDeadline).toBe(all[waiting].hosts[0].healthDeadline)

    // After: no deadline; every step with how it ended, health failed with its last answer.
    expect(result.hosts[0].healthDeadline).toBeNull()
    expect(result.hosts[0]).toMatchObject({ step: 'rollback', state: 'rolled-back' })
    const steps = stepMap(result)
    expect(Object.keys(steps)).toEqual([
      'preflight',
      'lock',
      'upload',
      'unpack',
      'activate',
      'hook',
      'health',
      'rollback'
    ])
    expect(steps.hook).toEqual({ state: 'skipped', message: 'no afterActivate hook configured' })
    expect(steps.health).toEqual({
      state: 'failed',
      message: `health check failed: ${url} answered 503: "database not ready (pool 0/10)" (gave up after 2 s (healthCheck.timeoutSeconds))`
    })
    expect(steps.rollback.state).toBe('rolled-back')
    for (const s of ['preflight', 'lock', 'upload', 'unpack', 'activate'])
      expect(steps[s].state, s).toBe('done')
  }, 60_000)

  it('a health URL where nothing listens says connection refused', async () => {
    const url = `http://127.0.0.1:${await freePort()}/health`
    const { env, ctx } = await oneHost({ healthCheck: { url, timeoutSeconds: 1 } })
    const result = await deployRelease(releases[0], env, ctx)
    expect(stepMap(result).health.message).toBe(
      `health check failed: ${url}: connection refused (ECONNREFUSED): nothing listens there yet (gave up after 1 s (healthCheck.timeoutSeconds))`
    )
  }, 60_000)

  it('a rollback reports upload and unpack as skipped, with why', async () => {
    const { env, ctx } = await oneHost({
      hooks: { afterActivate: TEST_APP_HOOK },
      healthCheck: { url: 'http://{host}:{port}/health', timeoutSeconds: 30 }
    })
    const [r1, r2] = releases
    expect((await deployRelease(r1, env, ctx)).status).toBe('succeeded')
    expect((await deployRelease(r2, env, ctx)).status).toBe('succeeded')
    const back = await rollbackEnvironment(env, ctx)
    expect(back.status, back.summary).toBe('succeeded')
    const steps = stepMap(back)
    const why = `a rollback sends nothing: ${r1.id} is already on the host`
    expect(steps.upload).toEqual({ state: 'skipped', message: why })
    expect(steps.unpack).toEqual({ state: 'skipped', message: why })
    for (const s of ['preflight', 'lock', 'activate', 'hook', 'health'])
      expect(steps[s].state, s).toBe('done')
    expect(back.hosts[0].healthDeadline).toBeNull()
  }, 90_000)
})
