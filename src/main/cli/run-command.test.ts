import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import { RUN_MARKER } from '../testing/leak-detector'
import {
  branchEnvAppFiles,
  branchEnvRunCommand,
  getJson,
  processesUnder,
  psLines
} from '../testing/branch-env-app'
import { runCli, SLIPWAY_BIN } from '../testing/cli-process'
import { startServeProcess, type ServeProcess } from '../testing/serve-process'
import { removeDir, tempDir } from '../testing/temp-dir'
import { TestRepo } from '../testing/test-repo'

const cleanups: (() => Promise<void> | void)[] = []
afterAll(async () => {
  for (const c of cleanups.reverse()) await c()
})

async function workspace(
  run: (marker: string) => string,
  extra: readonly string[] = []
): Promise<{
  repo: TestRepo
  dataDir: string
  marker: string
  env: NodeJS.ProcessEnv
}> {
  const marker = `slipway-run-${randomUUID()}`
  const repo = TestRepo.create({
    prefix: 'slipway-run-',
    files: {
      ...branchEnvAppFiles('v1'),
      'slipway.yml': [
        'branchEnvironments:',
        `  run: '${run(marker)}'`,
        "  healthUrl: 'http://127.0.0.1:{port}/health'",
        '  startTimeoutSeconds: 60',
        ...extra
      ].join('\n')
    }
  })
  repo.git(['branch', 'feature/x'])
  cleanups.push(() => repo.remove())
  const dataDir = await tempDir('slipway-run-data-')
  cleanups.push(() => removeDir(dataDir))
  cleanups.push(() => {
    for (const line of psLines(marker)) process.kill(Number(line.split(/\s+/)[0]), 'SIGKILL')
  })
  return {
    repo,
    dataDir,
    marker,
    env: { ...process.env, SLIPWAY_DATA_DIR: dataDir, [RUN_MARKER]: marker }
  }
}

async function invoke<T>(serve: ServeProcess, method: string, request: unknown): Promise<T> {
  const res = await fetch(`${serve.origin}/api/invoke/${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${serve.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(request)
  })
  const body = (await res.json()) as { ok: boolean; value: T; error?: unknown }
  if (!body.ok) throw new Error(`${method}: ${JSON.stringify(body.error)}`)
  return body.value
}

/** Starts `branch` through serve's API and answers its port once it runs. */
async function runningPort(serve: ServeProcess, branch: string): Promise<number> {
  const started = await invoke<{ id: string }>(serve, 'branchEnvs.start', { branch })
  const deadline = Date.now() + 120_000
  while (Date.now() < deadline) {
    const envs = await invoke<{ id: string; port: number; state: { kind: string } }[]>(
      serve,
      'branchEnvs.list',
      {}
    )
    const env = envs.find((e) => e.id === started.id)
    if (env?.state.kind === 'failed') throw new Error(JSON.stringify(env.state))
    if (env?.state.kind === 'running') return env.port
    await new Promise((r) => setTimeout(r, 150))
  }
  throw new Error(`${branch} did not start`)
}

describe('slipway run', () => {
  it('runs a branch with its log on stdout; Ctrl-C stops every process it started', async () => {
    const w = await workspace(branchEnvRunCommand)
    // --port 0 is refused: a port is 1 to 65535.
    const refused = await runCli(['run', 'feature/x', '--port', '0'], {
      cwd: w.repo.path,
      env: w.env
    })
    expect(refused.code).toBe(2)
    expect(refused.stderr).toMatch(/--port must be a number from 1 to 65535/)

    // Without a terminal and without --trust, nothing of slipway.yml runs.
    const untrusted = await runCli(['run', 'feature/x'], { cwd: w.repo.path, env: w.env })
    expect(untrusted.code).toBe(1)
    expect(untrusted.stderr).toMatch(/not trusted/)
    expect(psLines(w.marker)).toEqual([])

    const run = spawn(process.execPath, [SLIPWAY_BIN, 'run', 'feature/x', '--trust'], {
      cwd: w.repo.path,
      env: w.env,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    run.stdout.on('data', (b: Buffer) => (stdout += b.toString()))
    run.stderr.on('data', (b: Buffer) => (stderr += b.toString()))
    const exited = new Promise<number | null>((r) => run.on('exit', (code) => r(code)))
    cleanups.push(() => void run.kill('SIGKILL'))
    const deadline = Date.now() + 120_000
    let url: string | null = null
    while (!url && Date.now() < deadline) {
      url = /is running at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stderr)?.[1] ?? null
      await new Promise((r) => setTimeout(r, 100))
    }
    expect(url, stderr).not.toBeNull()
    expect((await getJson(`${url}health`))?.version).toBe('v1')
    expect(stdout).toMatch(/app v1 listening on \d+/)
    expect(psLines(w.marker).length).toBeGreaterThanOrEqual(2)

    run.kill('SIGINT')
    expect(await exited).toBe(0)
    expect(stderr).toContain('slipway: stopped')
    expect(psLines(w.marker)).toEqual([])
    expect(processesUnder(w.dataDir)).toEqual([])
  }, 240_000)

  it('says why a start failed, with the log lines and the exit code', async () => {
    const w = await workspace(
      (marker) =>
        `echo booting ${marker}; echo "Error: listen EADDRINUSE: address already in use" >&2; exit 7`
    )
    const result = await runCli(['run', 'feature/x', '--trust'], {
      cwd: w.repo.path,
      env: w.env,
      timeoutMs: 120_000
    })
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('feature/x failed: the app exited with code 7')
    expect(result.stderr).toContain('  Error: listen EADDRINUSE: address already in use')
    expect(result.stderr).toContain('slipway: exit code 7')
  }, 180_000)

  it('serve ends every branch environment when it gets SIGTERM', async () => {
    const w = await workspace(branchEnvRunCommand)
    const serve = await startServeProcess(['--workspace', w.repo.path, '--trust'], {
      cwd: w.dataDir,
      env: w.env
    })
    let stopped = false
    cleanups.push(async () => {
      if (!stopped) await serve.stop()
    })
    const invoke = async (
      method: string,
      request: unknown
    ): Promise<Record<string, unknown>[] & Record<string, unknown>> => {
      const res = await fetch(`${serve.origin}/api/invoke/${method}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${serve.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(request)
      })
      const body = (await res.json()) as { ok: boolean; value: never; error?: unknown }
      if (!body.ok) throw new Error(`${method}: ${JSON.stringify(body.error)}`)
      return body.value
    }
    const started = await invoke('branchEnvs.start', { branch: 'feature/x' })
    const deadline = Date.now() + 120_000
    let port = 0
    while (!port && Date.now() < deadline) {
      const envs = (await invoke('branchEnvs.list', {})) as unknown as {
        id: string
        port: number
        state: { kind: string }
      }[]
      const env = envs.find((e) => e.id === started.id)
      if (env?.state.kind === 'failed') throw new Error(JSON.stringify(env.state))
      if (env?.state.kind === 'running') port = env.port
      else await new Promise((r) => setTimeout(r, 150))
    }
    expect((await getJson(`http://127.0.0.1:${port}/health`))?.version).toBe('v1')
    expect(psLines(w.marker).length).toBeGreaterThanOrEqual(2)
    expect(await serve.stop()).toBe(0)
    stopped = true
    expect(psLines(w.marker)).toEqual([])
    expect(await getJson(`http://127.0.0.1:${port}/health`)).toBeNull()
  }, 240_000)

  it('after serve is killed (SIGKILL), the next serve finds what it left and ends it', async () => {
    // Without bubblewrap nothing ends the app with Slipway (with it, --die-with-parent does).
    const w = await workspace(branchEnvRunCommand, ['  sandbox: none'])
    const first = await startServeProcess(['--workspace', w.repo.path, '--trust'], {
      cwd: w.dataDir,
      env: w.env
    })
    // Ended even when an assertion fails before the test kills it.
    cleanups.push(() => void first.child.kill('SIGKILL'))
    const port = await runningPort(first, 'feature/x')
    first.child.kill('SIGKILL')
    await new Promise((r) => first.child.once('exit', r))
    // Left over: the app still answers and its processes live on.
    expect((await getJson(`http://127.0.0.1:${port}/health`))?.version).toBe('v1')
    const left = psLines(w.marker)
    expect(left.length).toBeGreaterThanOrEqual(2)

    const second = await startServeProcess(['--workspace', w.repo.path, '--trust'], {
      cwd: w.dataDir,
      env: w.env
    })
    cleanups.push(() => void second.stop())
    const leftovers = await invoke<{ label: string; port: number; processes: { pid: number }[] }[]>(
      second,
      'branchEnvs.leftovers',
      {}
    )
    expect(leftovers.map((l) => [l.label, l.port])).toEqual([['feature/x', port]])
    const pids = left.map((l) => Number(l.split(/\s+/)[0]))
    for (const pid of pids) expect(leftovers[0]?.processes.map((p) => p.pid)).toContain(pid)
    expect(await invoke(second, 'branchEnvs.cleanLeftovers', {})).toEqual({ ended: 1 })
    expect(psLines(w.marker)).toEqual([])
    expect(await invoke(second, 'branchEnvs.leftovers', {})).toEqual([])
    expect(await second.stop()).toBe(0)
  }, 240_000)
})
