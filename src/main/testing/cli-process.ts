import { spawn, spawnSync } from 'node:child_process'
import { join, resolve } from 'node:path'

// Test support: the CLI run the way users run it, bin/slipway (which builds out/ first when
// stale), as a real process.

/** The `bin/slipway` launcher of this checkout. */
export const SLIPWAY_BIN = join(resolve(import.meta.dirname, '../../..'), 'bin', 'slipway')

/** What one CLI process left behind. */
export interface CliRun {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Where and how to run the CLI. */
export interface CliProcessOptions {
  readonly cwd: string
  readonly env: NodeJS.ProcessEnv
  /** Killed after this long; default 60 s. */
  readonly timeoutMs?: number
}

/** Runs `slipway ...args` to completion, blocking (for short commands). */
export function runCliSync(args: readonly string[], options: CliProcessOptions): CliRun {
  const r = spawnSync(process.execPath, [SLIPWAY_BIN, ...args], {
    cwd: options.cwd,
    env: options.env,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 60_000
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

/** Runs `slipway ...args` to completion without blocking the test's event loop. */
export function runCli(args: readonly string[], options: CliProcessOptions): Promise<CliRun> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [SLIPWAY_BIN, ...args], {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()))
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000)
    child.on('error', fail)
    child.on('close', (code) => {
      clearTimeout(timer)
      done({ code, stdout, stderr })
    })
  })
}
