import { spawn } from 'node:child_process'
import { StringDecoder } from 'node:string_decoder'
import { ExpectedError } from '../errors'

/** Options for {@link runBuildCommand}. */
export interface BuildCommandOptions {
  /** The `build.command` of slipway.yml, run with `sh -c` (it is the user's own script). */
  readonly command: string
  readonly cwd: string
  /** The whole environment (allow-listed: see sandbox/branch-env; Slipway's own is not added). */
  readonly env: Readonly<Record<string, string>>
  /** Default 30 minutes. */
  readonly timeoutMs?: number
  readonly signal?: AbortSignal
  /** Each output line (stdout and stderr), without its newline. */
  readonly onLine?: (line: string) => void
}

/** Lines of output kept for the error of a failed build. */
const TAIL_LINES = 40
/** After SIGTERM, how long the build gets before SIGKILL. */
const KILL_GRACE_MS = 2_000
/** After the build exits, how long its output pipes may stay open. */
const PIPE_GRACE_MS = 1_000

/**
 * Runs the build command in its own process group, streaming its output lines; resolves when
 * it exits 0. A non-zero exit is ExpectedError('build-failed') with the last stderr line and a
 * tail of the log; a cancel or the timeout kills the whole group and throws 'cancelled' or
 * 'timeout'.
 */
export function runBuildCommand(options: BuildCommandOptions): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 30 * 60_000
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new ExpectedError('cancelled', 'the release build was cancelled'))
      return
    }
    const child = spawn('sh', ['-c', options.command], {
      cwd: options.cwd,
      env: { ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true
    })
    const tail: string[] = []
    let lastStderr = ''
    let stopped: 'cancelled' | 'timeout' | null = null
    let killTimer: NodeJS.Timeout | undefined
    const line = (text: string, fromStderr: boolean): void => {
      if (fromStderr && text.trim()) lastStderr = text.trim()
      tail.push(text)
      if (tail.length > TAIL_LINES) tail.shift()
      options.onLine?.(text)
    }
    const killGroup = (signal: NodeJS.Signals): void => {
      try {
        // The negative pid reaches every process the build started (npm, node, compilers).
        if (child.pid !== undefined) process.kill(-child.pid, signal)
      } catch {
        // Already gone.
      }
    }
    const stop = (why: 'cancelled' | 'timeout'): void => {
      if (stopped) return
      stopped = why
      killGroup('SIGTERM')
      killTimer = setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS)
    }
    const onAbort = (): void => stop('cancelled')
    options.signal?.addEventListener('abort', onAbort, { once: true })
    const timer = setTimeout(() => stop('timeout'), timeoutMs)
    const flushOut = splitLines((t) => line(t, false))
    const flushErr = splitLines((t) => line(t, true))
    child.stdout.on('data', (b: Buffer) => flushOut.write(b))
    child.stderr.on('data', (b: Buffer) => flushErr.write(b))
    child.on('error', (e) => {
      clearTimeout(timer)
      options.signal?.removeEventListener('abort', onAbort)
      reject(new ExpectedError('build-failed', `could not start the build: ${e.message}`, {}))
    })
    // A process that left the group (setsid, a build daemon) may hold the output pipes open
    // long after the build exited; stop waiting for them a little after the exit.
    child.on('exit', () => {
      setTimeout(() => {
        child.stdout.destroy()
        child.stderr.destroy()
      }, PIPE_GRACE_MS).unref()
    })
    child.on('close', (code, signal) => {
      flushOut.end()
      flushErr.end()
      clearTimeout(timer)
      options.signal?.removeEventListener('abort', onAbort)
      // The shell may be gone while its children still run: make sure none outlives the build.
      killGroup('SIGKILL')
      if (killTimer) clearTimeout(killTimer)
      const details = { command: options.command, exitCode: code, signal, log: tail.join('\n') }
      if (stopped === 'cancelled') {
        reject(new ExpectedError('cancelled', 'the release build was cancelled', details))
      } else if (stopped === 'timeout') {
        const minutes = Math.round(timeoutMs / 6_000) / 10
        reject(new ExpectedError('timeout', `the build timed out after ${minutes} min`, details))
      } else if (code !== 0) {
        const status = code === null ? `signal ${signal}` : `exit ${code}`
        const last =
          lastStderr ||
          tail
            .filter((t) => t.trim())
            .pop()
            ?.trim() ||
          'no output'
        reject(new ExpectedError('build-failed', `build failed (${status}): ${last}`, details))
      } else {
        resolve()
      }
    })
  })
}

/** A UTF-8 line splitter: feed chunks, get whole lines; `end` flushes the last partial one. */
function splitLines(onLine: (line: string) => void): {
  write: (chunk: Buffer) => void
  end: () => void
} {
  const decoder = new StringDecoder('utf8')
  let carry = ''
  return {
    write(chunk) {
      const text = carry + decoder.write(chunk)
      const parts = text.split('\n')
      carry = parts.pop() ?? ''
      for (const p of parts) onLine(p.replace(/\r$/, ''))
    },
    end() {
      const rest = carry + decoder.end()
      carry = ''
      if (rest) onLine(rest.replace(/\r$/, ''))
    }
  }
}
