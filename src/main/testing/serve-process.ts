import { spawn, type ChildProcess } from 'node:child_process'
import { SLIPWAY_BIN } from './cli-process'

// Test support: `slipway serve` as a real process, with its printed URL.

/** A running `slipway serve` process. */
export interface ServeProcess {
  readonly child: ChildProcess
  /** The printed URL, `http://127.0.0.1:PORT/?token=…`. */
  readonly url: URL
  readonly token: string
  readonly origin: string
  /** Everything printed so far. */
  output(): { readonly stdout: string; readonly stderr: string }
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>
}

/** Starts `slipway serve ...args` and resolves once it printed its URL. */
export function startServeProcess(
  args: readonly string[],
  options: {
    readonly cwd: string
    readonly env: NodeJS.ProcessEnv
    readonly timeoutMs?: number
    /** Options for node itself (`--expose-gc`). */
    readonly nodeArgs?: readonly string[]
  }
): Promise<ServeProcess> {
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), SLIPWAY_BIN, 'serve', ...args],
    {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe']
    }
  )
  let stdout = ''
  let stderr = ''
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`serve printed no URL; stderr: ${stderr}`))
    }, options.timeoutMs ?? 60_000)
    child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${stderr}`)))
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString()
      const m = /^Slipway is serving .* at (http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)$/m.exec(
        stdout
      )
      if (!m?.[1]) return
      clearTimeout(timer)
      const url = new URL(m[1])
      resolve({
        child,
        url,
        token: url.searchParams.get('token') ?? '',
        origin: url.origin,
        output: () => ({ stdout, stderr }),
        stop: () => {
          child.kill('SIGTERM')
          return exited
        }
      })
    })
  })
}
