import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { BranchEnv } from '../../../shared/branch-env-models'
import { BranchEnvironmentsConfigSchema } from '../../../shared/config-schema'
import { ExpectedError } from '../errors'
import { bwrapAvailable } from '../sandbox'
import {
  branchEnvAppFiles,
  branchEnvRunCommand,
  getJson,
  psLines
} from '../../testing/branch-env-app'
import { removeDir, tempDir } from '../../testing/temp-dir'
import { TestRepo } from '../../testing/test-repo'
import { BranchEnvService, type BranchEnvServiceEvent } from './branch-env-service'
import { GroupStateFile, processStart } from './state-file'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | null> | T | null,
  ms = 60_000
): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await probe()
    if (value !== null && value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

interface Setup {
  readonly repo: TestRepo
  readonly service: BranchEnvService
  readonly events: BranchEnvServiceEvent[]
  readonly dataDir: string
  readonly marker: string
  env(id: string): BranchEnv
}

async function setup(
  config: Record<string, unknown> | ((marker: string) => Record<string, unknown>),
  dataDir?: string
): Promise<Setup> {
  const marker = `slipway-be-${randomUUID()}`
  const repo = TestRepo.create({ prefix: 'slipway-be-', files: branchEnvAppFiles('v1') })
  repo.git(['branch', 'feature/x'])
  cleanups.push(() => repo.remove())
  const data = dataDir ?? (await tempDir('slipway-be-data-'))
  if (!dataDir) cleanups.push(() => removeDir(data))
  const events: BranchEnvServiceEvent[] = []
  const service = new BranchEnvService({
    workspacePath: repo.path,
    dataDir: data,
    config: BranchEnvironmentsConfigSchema.parse({
      run: branchEnvRunCommand(marker),
      healthUrl: 'http://127.0.0.1:{port}/health',
      startTimeoutSeconds: 60,
      ...(typeof config === 'function' ? config(marker) : config)
    }),
    onEvent: (e) => events.push(e),
    log: () => {},
    environmentCommit: () => Promise.reject(new ExpectedError('not-found', 'no environments'))
  })
  cleanups.push(() => service.stopAll())
  // Whatever a failing test left must not outlive it.
  cleanups.push(() => {
    for (const line of psLines(marker)) process.kill(Number(line.split(/\s+/)[0]), 'SIGKILL')
  })
  await service.start()
  const env = (id: string): BranchEnv => {
    const found = service.list().find((e) => e.id === id)
    if (!found) throw new Error(`no env ${id}`)
    return found
  }
  return { repo, service, events, dataDir: data, marker, env }
}

const running = (s: Setup, id: string) => (): BranchEnv | null => {
  const env = s.env(id)
  if (env.state.kind === 'failed') throw new Error(`failed: ${JSON.stringify(env.state)}`)
  return env.state.kind === 'running' ? env : null
}

describe('BranchEnvService', () => {
  it('runs a branch from its own worktree, answers on its port, updates to a new commit and leaves no process after stop', async () => {
    const sandbox = bwrapAvailable() ? 'bwrap' : 'none'
    const s = await setup({ sandbox, env: { GREETING: 'hello' } })
    const agent = process.env.SSH_AUTH_SOCK
    process.env.SSH_AUTH_SOCK = '/tmp/slipway-test-agent.sock'
    cleanups.push(() => {
      if (agent === undefined) delete process.env.SSH_AUTH_SOCK
      else process.env.SSH_AUTH_SOCK = agent
    })
    const started = await s.service.startEnv({ branch: 'feature/x' })
    const env = await waitFor('running', running(s, started.id))
    expect(env.url).toBe(`http://127.0.0.1:${env.port}/`)
    const health = await getJson(`http://127.0.0.1:${env.port}/health`)
    expect(health?.version).toBe('v1')
    // The allow-listed environment: no agent socket, a HOME of its own inside the data folder.
    expect(health?.agent).toBe(false)
    expect(String(health?.home)).toContain(join(s.dataDir, 'run-homes'))
    // The app, its background child (and the sandbox) are running, never in the user's checkout.
    const lines = psLines(s.marker)
    expect(lines.filter((l) => l.includes('app.cjs')).length).toBeGreaterThan(0)
    expect(lines.filter((l) => / node child\.cjs /.test(l)).length).toBeGreaterThan(0)
    expect(s.repo.worktrees().length).toBe(2)
    // Its process group is in the state file while it runs.
    const records = await new GroupStateFile(join(s.dataDir, 'branch-envs.json')).read()
    expect(records.map((r) => r.port)).toContain(env.port)

    // The branch moves: the environment says so, and Update restarts on the new tip.
    const newer = s.repo.commitTo('feature/x', { VERSION: 'v2\n' }, 'v2')
    await s.service.refsMoved()
    expect(s.env(env.id).newerSha).toBe(newer)
    await s.service.update(env.id)
    const updated = await waitFor('updated', running(s, env.id))
    expect(updated.sha).toBe(newer)
    expect(updated.port).toBe(env.port)
    expect((await getJson(`http://127.0.0.1:${env.port}/health`))?.version).toBe('v2')
    expect(s.env(env.id).newerSha).toBeNull()

    const log = await s.service.readLog(env.id, 0, 1 << 20)
    expect(log.text).toContain('app v1 listening')
    expect(log.text).toContain('app v2 listening')

    await s.service.stop(env.id)
    expect(s.env(env.id).state.kind).toBe('stopped')
    expect(psLines(s.marker)).toEqual([])
    expect(await getJson(`http://127.0.0.1:${env.port}/health`)).toBeNull()
    expect(await new GroupStateFile(join(s.dataDir, 'branch-envs.json')).read()).toEqual([])
  }, 180_000)

  it('runs several at once and stops them all when the workspace closes', async () => {
    const s = await setup({ sandbox: 'none' })
    s.repo.git(['branch', 'feature/y'])
    const a = await s.service.startEnv({ branch: 'feature/x' })
    const b = await s.service.startEnv({ branch: 'feature/y' })
    // Asking again for a running branch answers the same environment.
    expect((await s.service.startEnv({ branch: 'feature/x' })).id).toBe(a.id)
    const [ea, eb] = [await waitFor('a', running(s, a.id)), await waitFor('b', running(s, b.id))]
    expect(ea.port).not.toBe(eb.port)
    expect(psLines(s.marker).length).toBeGreaterThanOrEqual(4)
    await s.service.stopAll()
    expect(psLines(s.marker)).toEqual([])
  }, 180_000)

  it('shows the log lines that explain a start failure and the exit code', async () => {
    const s = await setup((marker) => ({
      sandbox: 'none',
      run: `node child.cjs ${marker} & echo "starting orders" && echo "Error: cannot read config/app.yml" >&2 && exit 3`
    }))
    const started = await s.service.startEnv({ branch: 'feature/x' })
    const failed = await waitFor('failed', () => {
      const state = s.env(started.id).state
      return state.kind === 'failed' ? state : null
    })
    expect(failed.exitCode).toBe(3)
    expect(failed.summary).toContain('exited with code 3')
    expect(failed.lines).toContain('Error: cannot read config/app.yml')
    expect(failed.lines.some((l) => l.startsWith('[slipway]'))).toBe(false)
    // The background child of the failed start was ended with its group.
    expect(psLines(s.marker)).toEqual([])
  }, 120_000)

  it('stops an app that never answers its health URL, with the reason', async () => {
    const s = await setup((marker) => ({
      sandbox: 'none',
      run: `exec node child.cjs ${marker}`,
      startTimeoutSeconds: 2
    }))
    const started = await s.service.startEnv({ branch: 'feature/x' })
    const failed = await waitFor('failed', () => {
      const state = s.env(started.id).state
      return state.kind === 'failed' ? state : null
    })
    expect(failed.summary).toMatch(/did not answer within 2 s/)
    expect(failed.exitCode).toBeNull()
    expect(psLines(s.marker)).toEqual([])
  }, 120_000)

  it('finds the process groups a killed Slipway left and cleans them', async () => {
    const s = await setup({ sandbox: 'none' })
    // A Slipway that was SIGKILLed: its own process is gone, the group it started lives on.
    const dead = spawn('true')
    await new Promise((r) => dead.on('exit', r))
    const orphan = spawn('sh', ['-c', 'sleep 300 & exec sleep 301'], {
      detached: true,
      stdio: 'ignore'
    })
    orphan.unref()
    const pgid = orphan.pid as number
    cleanups.push(() => {
      try {
        process.kill(-pgid, 'SIGKILL')
      } catch {
        // gone
      }
    })
    await waitFor('orphan started', () => processStart(pgid))
    // Until sh has exec'd, the leader still reads `sh -c …` (seen at load 17 on 2 cores).
    await waitFor('orphan exec', () => {
      try {
        return readFileSync(`/proc/${pgid}/cmdline`, 'utf8') === 'sleep\u0000301\u0000' || null
      } catch {
        return null
      }
    })
    const file = new GroupStateFile(join(s.dataDir, 'branch-envs.json'))
    await file.update((rs) => [
      ...rs,
      {
        label: 'feature/old',
        port: 40999,
        pgid,
        leaderStart: processStart(pgid) as number,
        owner: dead.pid as number,
        ownerStart: 1,
        worktree: join(s.dataDir, 'branch-envs', 'worktrees', 'wt-1-gone-0')
      }
    ])
    const leftovers = await s.service.leftovers()
    expect(leftovers.map((l) => [l.label, l.pgid])).toEqual([['feature/old', pgid]])
    expect(leftovers[0]?.processes.map((p) => p.command)).toContain('sleep 301')
    expect(await s.service.cleanLeftovers()).toBe(1)
    await waitFor('group ended', () => {
      try {
        process.kill(-pgid, 0)
        return null
      } catch {
        return true
      }
    })
    expect(await s.service.leftovers()).toEqual([])
    expect(await file.read()).toEqual([])
    expect(readFileSync(join(s.dataDir, 'branch-envs.json'), 'utf8')).toBe('[]')
  }, 60_000)
})
