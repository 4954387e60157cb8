import { spawn } from 'node:child_process'
import { createReadStream, createWriteStream, existsSync, mkdirSync } from 'node:fs'
import { stat } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { ExpectedError } from '../errors'
import { PRIVATE_DIR } from '../private-files'
import { branchEnv } from '../sandbox'
import { execTimedOut, execTimeout } from './exec-timeout'
import { recordLocalGroup } from './local-processes'
import type { ExecOptions, ExecResult, Transport, UploadOptions } from './types'

/** Options for {@link createLocalTransport}. */
export interface LocalTransportOptions {
  /** The `local:` folder as written in slipway.yml. */
  readonly folder: string
  /** Resolves a relative folder. */
  readonly workspacePath: string
  /** Display name; default the resolved folder. */
  readonly label?: string
  /** Commands without their own timeout stop after this long (`timeouts.commandSeconds`). */
  readonly commandTimeoutMs?: number
}

/**
 * The environment of every command run on a local host (hooks, health commands, Slipway's own
 * steps): what a host's login would give, not Slipway's own environment. The allow-list branch
 * code gets (PATH, LANG, LC_ALL, TZ, TERM) with the host's own HOME and TMPDIR in
 * `<folder>/.slipway/` (kept: what a hook starts may outlive it); never `SSH_AUTH_SOCK`,
 * tokens or cloud credentials. The hook contract's `SLIPWAY_*` variables come on the command.
 * The two folders are made only once a deployment has prepared `<folder>/.slipway/`: a
 * preflight that stops leaves a host it never touched exactly as it was.
 */
export function localHostEnv(
  basePath: string,
  from: NodeJS.ProcessEnv = process.env
): Record<string, string> {
  const home = join(basePath, '.slipway', 'home')
  const tmp = join(basePath, '.slipway', 'tmp')
  // Only on a host a deployment has prepared (its state folder exists), never by a preflight.
  if (existsSync(join(basePath, '.slipway'))) {
    for (const dir of [home, tmp]) mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR })
  }
  const env = branchEnv({ home, tmp, slipway: {}, from })
  // The test suite's run marker (a random id, no secret) stays, so its leak detector still
  // finds an app a hook left running (src/main/testing/leak-detector.ts).
  const marker = from[TEST_RUN_MARKER]
  return marker === undefined ? env : { ...env, [TEST_RUN_MARKER]: marker }
}

/** The name src/main/testing/leak-detector.ts marks a test run's processes with. */
const TEST_RUN_MARKER = 'SLIPWAY_TEST_RUN'

/**
 * A folder on this machine behind the {@link Transport} interface: commands run in `/bin/sh`
 * (in the folder when it exists) as real processes with {@link localHostEnv}, uploads are
 * streamed copies.
 */
export function createLocalTransport(options: LocalTransportOptions): Transport {
  const basePath = resolve(options.workspacePath, options.folder)
  const label = options.label ?? basePath
  let closed = false
  let bytesSent = 0

  const ensureOpen = (): void => {
    if (closed)
      throw new ExpectedError('unreachable', `${label}: transport is closed`, { host: label })
  }

  const exec = (command: string, opts: ExecOptions = {}): Promise<ExecResult> => {
    ensureOpen()
    if (opts.signal?.aborted) {
      return Promise.reject(cancelled(label, command))
    }
    bytesSent += Buffer.byteLength(command) + Buffer.byteLength(opts.stdin ?? '')
    return new Promise((resolvePromise, reject) => {
      const child = spawn('/bin/sh', ['-c', command], {
        cwd: existsSync(basePath) ? basePath : options.workspacePath,
        env: localHostEnv(basePath),
        // Its own process group, so a timeout or cancel also stops what the command started.
        detached: true,
        stdio: ['pipe', 'pipe', 'pipe']
      })
      const pid = child.pid
      if (pid !== undefined) recordLocalGroup(pid)
      const out: Buffer[] = []
      const err: Buffer[] = []
      let ended: 'timeout' | 'cancelled' | null = null
      const killGroup = (): void => {
        if (pid === undefined) return
        try {
          process.kill(-pid, 'SIGKILL')
        } catch {
          // Already gone.
        }
      }
      const timeout = execTimeout(opts, options.commandTimeoutMs)
      const timer = setTimeout(() => {
        ended = 'timeout'
        killGroup()
      }, timeout.ms)
      const onAbort = (): void => {
        ended = 'cancelled'
        killGroup()
      }
      opts.signal?.addEventListener('abort', onAbort, { once: true })
      const cleanup = (): void => {
        clearTimeout(timer)
        opts.signal?.removeEventListener('abort', onAbort)
      }
      child.stdout.on('data', (b: Buffer) => out.push(b))
      child.stderr.on('data', (b: Buffer) => err.push(b))
      child.on('error', (e) => {
        cleanup()
        reject(
          new ExpectedError('unreachable', `${label}: could not start /bin/sh: ${e.message}`, {
            host: label,
            command
          })
        )
      })
      child.on('close', (code) => {
        cleanup()
        const stdout = Buffer.concat(out).toString('utf8')
        const stderr = Buffer.concat(err).toString('utf8')
        if (ended === 'timeout') {
          reject(execTimedOut(label, command, timeout, { stdout, stderr }))
        } else if (ended === 'cancelled') {
          reject(cancelled(label, command))
        } else {
          resolvePromise({ stdout, stderr, code })
        }
      })
      child.stdin.on('error', () => {})
      child.stdin.end(opts.stdin ?? '')
    })
  }

  const upload = async (
    localPath: string,
    remotePath: string,
    opts: UploadOptions = {}
  ): Promise<void> => {
    ensureOpen()
    if (opts.signal?.aborted) throw cancelled(label, `upload ${remotePath}`)
    let total: number
    try {
      total = (await stat(localPath)).size
    } catch (e) {
      throw new ExpectedError('not-found', `cannot read ${localPath}: ${(e as Error).message}`, {
        localPath
      })
    }
    let sent = 0
    const counter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        sent += chunk.length
        bytesSent += chunk.length
        opts.onProgress?.(sent, total)
        done(null, chunk)
      }
    })
    opts.onProgress?.(0, total)
    try {
      await pipeline(
        createReadStream(localPath),
        counter,
        createWriteStream(remotePath),
        opts.signal ? { signal: opts.signal } : {}
      )
    } catch (e) {
      if (opts.signal?.aborted) throw cancelled(label, `upload ${remotePath}`)
      throw new ExpectedError(
        'unreachable',
        `${label}: upload to ${remotePath} failed: ${(e as Error).message}`,
        {
          host: label,
          localPath,
          remotePath
        }
      )
    }
  }

  return {
    kind: 'local',
    label,
    address: '127.0.0.1',
    basePath,
    get bytesSent() {
      return bytesSent
    },
    exec,
    upload,
    close: async () => {
      closed = true
    }
  }
}

function cancelled(label: string, command: string): ExpectedError {
  return new ExpectedError('cancelled', `${label}: cancelled`, { host: label, command })
}
