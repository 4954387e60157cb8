import { spawn } from 'node:child_process'
import { StringDecoder } from 'node:string_decoder'
import type { GitFailedDetails } from '../../../shared/errors'
import { timeoutText } from '../../../shared/timeouts'
import { ExpectedError } from '../errors'
import { hardeningArgs } from './hardening'
import { EngineError, runWithSimpleGit } from './simple-git-engine'

/** What one git process left behind. */
export interface GitOutput {
  readonly stdout: string
  readonly stderr: string
  readonly exitCode: number
}

/** Options for {@link runGit}. */
export interface GitRunOptions {
  /** Written to git's stdin (for `--stdin` verbs); untrusted names go here, never into args. */
  readonly input?: string
  /** Exit codes that are answers rather than failures (e.g. 1 for `merge-base --is-ancestor`). */
  readonly okExitCodes?: readonly number[]
  /** Kill git after this long; default 120 s. */
  readonly timeoutMs?: number
  /** The slipway.yml setting `timeoutMs` comes from (`timeouts.fetchSeconds`), named in the error. */
  readonly timeoutSetting?: string
  /**
   * A verb that talks to a remote (fetch, push): git runs in its own process group and a
   * timeout kills the group, so its transport helper (`git-remote-http`, `ssh`) ends too;
   * killing git alone leaves the helper waiting on a silent server forever. Only for argument
   * lists Slipway builds itself (no untrusted names), as for `input`.
   */
  readonly network?: boolean
}

function timedOutMessage(verb: string, timeoutMs: number, setting: string | undefined): string {
  return setting
    ? `git ${verb} did not finish within ${timeoutText(timeoutMs, setting)}`
    : `git ${verb} timed out after ${timeoutMs} ms`
}

/** A git command that failed: carries the args, exit code and stderr. */
export class GitError extends ExpectedError<'git-failed'> {
  constructor(message: string, details: GitFailedDetails) {
    super('git-failed', message, details)
    this.name = 'GitError'
  }
}

// Neutralise user and system config that could change output or run programs (pagers, hooks
// via core.fsmonitor, external diff tools); keep messages in English so stderr is parseable.
const GIT_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  GIT_TERMINAL_PROMPT: '0',
  GIT_PAGER: 'cat',
  PAGER: 'cat',
  LC_ALL: 'C',
  GIT_OPTIONAL_LOCKS: '0'
}
// Hooks never run for Slipway's own calls: /dev/null is a hooks folder nothing can be put in.
// The repository's own program-running settings are overridden per call (see hardening.ts).
const SAFE_CONFIG = [
  '-c',
  'core.hooksPath=/dev/null',
  '-c',
  'core.fsmonitor=false',
  '-c',
  'core.quotepath=off',
  '-c',
  'color.ui=false'
]

let spawned = 0

/** How many git processes this process has started so far (for tests and diagnostics). */
export function gitProcessCount(): number {
  return spawned
}

/** The index of the verb: past any leading options (`-c k=v` pairs take two). */
function withVerbOptionsIndex(args: readonly string[]): number {
  let i = 0
  while (i < args.length && (args[i] as string).startsWith('-')) i += args[i] === '-c' ? 2 : 1
  return i
}

/**
 * Spawns git with the safe config and hands stdout chunks to `onStdout`; settles on exit. Kept
 * beside simple-git for the two things it cannot do: write git's stdin, and hand stdout over
 * while git still writes (the graph walk parses a full `rev-list` as it streams).
 */
async function spawnGit(
  cwd: string,
  args: readonly string[],
  options: GitRunOptions,
  onStdout: (chunk: Buffer) => void
): Promise<{ stderr: string; exitCode: number }> {
  const hardening = await hardeningArgs(cwd)
  const hardened = withVerbOptions(args, hardening.verbOptions)
  return spawnHardened(cwd, hardened, hardening.config, options, onStdout)
}

/** Inserts the verb's hardening options right after the verb (past any leading `-c k=v`). */
function withVerbOptions(
  args: readonly string[],
  verbOptions: Readonly<Record<string, readonly string[]>>
): readonly string[] {
  const i = withVerbOptionsIndex(args)
  const extra = verbOptions[args[i] as string]
  return extra ? [...args.slice(0, i + 1), ...extra, ...args.slice(i + 1)] : args
}

function spawnHardened(
  cwd: string,
  args: readonly string[],
  hardening: readonly string[],
  options: GitRunOptions,
  onStdout: (chunk: Buffer) => void
): Promise<{ stderr: string; exitCode: number }> {
  const ok = options.okExitCodes ?? [0]
  const timeoutMs = options.timeoutMs ?? 120_000
  return new Promise((resolve, reject) => {
    spawned += 1
    const child = spawn('git', [...SAFE_CONFIG, ...hardening, ...args], {
      cwd,
      env: GIT_ENV,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: options.network === true
    })
    const kill = (): void => {
      if (options.network && child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL')
          return
        } catch {
          // The group is gone already; fall through to the process.
        }
      }
      child.kill('SIGKILL')
    }
    const err: Buffer[] = []
    let timedOut = false
    let callbackError: unknown = null
    const timer = setTimeout(() => {
      timedOut = true
      kill()
    }, timeoutMs)
    child.stdout.on('data', (b: Buffer) => {
      if (callbackError !== null) return
      try {
        onStdout(b)
      } catch (e) {
        // A consumer that cannot parse the output stops git rather than reading on.
        callbackError = e
        child.kill('SIGKILL')
      }
    })
    child.stderr.on('data', (b: Buffer) => err.push(b))
    child.on('error', (e) => {
      clearTimeout(timer)
      reject(
        new GitError(`could not run git: ${e.message}`, { args, cwd, exitCode: null, stderr: '' })
      )
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      const stderr = Buffer.concat(err).toString('utf8')
      if (callbackError !== null) {
        reject(callbackError)
      } else if (timedOut) {
        reject(
          new GitError(timedOutMessage(args[0], timeoutMs, options.timeoutSetting), {
            args,
            cwd,
            exitCode: null,
            stderr
          })
        )
      } else if (code === null || !ok.includes(code)) {
        const first = stderr.trim().split('\n')[0] || `exit code ${code}`
        reject(
          new GitError(`git ${args[0]} failed: ${first}`, { args, cwd, exitCode: code, stderr })
        )
      } else {
        resolve({ stderr, exitCode: code })
      }
    })
    // EPIPE when git exits before reading all stdin is reported by 'close' with its exit code.
    child.stdin.on('error', () => {})
    child.stdin.end(options.input ?? '')
  })
}

/**
 * The one way Slipway runs git: no shell, args as an array, stdin for untrusted names,
 * a timeout, and failures as {@link GitError}. Output is UTF-8.
 *
 * simple-git is the engine, with its unsafe-operation guard on (see simple-git-engine.ts).
 * A command fed through stdin (`input`) is spawned here instead: simple-git cannot write to
 * git's stdin.
 */
export async function runGit(
  cwd: string,
  args: readonly string[],
  options: GitRunOptions = {}
): Promise<GitOutput> {
  if (options.input !== undefined || options.network) {
    const out: Buffer[] = []
    const { stderr, exitCode } = await spawnGit(cwd, args, options, (b) => out.push(b))
    return { stdout: Buffer.concat(out).toString('utf8'), stderr, exitCode }
  }
  const hardening = await hardeningArgs(cwd)
  const verb = args[withVerbOptionsIndex(args)] as string
  const timeoutMs = options.timeoutMs ?? 120_000
  spawned += 1
  try {
    return await runWithSimpleGit({
      cwd,
      args,
      ownConfig: [...pairs(SAFE_CONFIG), ...pairs(hardening.config)],
      verbOptions: hardening.verbOptions[verb] ?? [],
      env: GIT_ENV,
      okExitCodes: options.okExitCodes ?? [0],
      timeoutMs
    })
  } catch (e) {
    if (!(e instanceof EngineError)) throw e
    const f = e.failure
    const verbName = verb ?? args[0]
    if (f.kind === 'refused') {
      throw new GitError(`git ${verbName} refused: ${f.message}`, {
        args,
        cwd,
        exitCode: null,
        stderr: ''
      })
    }
    if (f.kind === 'timeout') {
      throw new GitError(timedOutMessage(verbName, timeoutMs, options.timeoutSetting), {
        args,
        cwd,
        exitCode: null,
        stderr: ''
      })
    }
    if (f.kind === 'spawn') {
      throw new GitError(`could not run git: ${f.message}`, {
        args,
        cwd,
        exitCode: null,
        stderr: ''
      })
    }
    const first = f.stderr.trim().split('\n')[0] || `exit code ${f.exitCode}`
    throw new GitError(`git ${verbName} failed: ${first}`, {
      args,
      cwd,
      exitCode: f.exitCode,
      stderr: f.stderr
    })
  }
}

/** `['-c', 'a=1', '-c', 'b=2']` → `['a=1', 'b=2']`. */
function pairs(config: readonly string[]): string[] {
  return config.filter((_, i) => i % 2 === 1)
}

/**
 * Like {@link runGit}, but hands stdout to `onLines` in complete `\n`-terminated lines (UTF-8,
 * without the newline) while git is still writing, so parsing overlaps git's own work on big
 * outputs such as a full `rev-list`. A throw from `onLines` stops git and rejects.
 */
export async function streamGitLines(
  cwd: string,
  args: readonly string[],
  onLines: (lines: readonly string[]) => void,
  options: GitRunOptions = {}
): Promise<Omit<GitOutput, 'stdout'>> {
  const decoder = new StringDecoder('utf8')
  let carry = ''
  const result = await spawnGit(cwd, args, options, (chunk) => {
    const text = carry + decoder.write(chunk)
    const end = text.lastIndexOf('\n')
    if (end < 0) {
      carry = text
      return
    }
    carry = text.slice(end + 1)
    onLines(text.slice(0, end).split('\n'))
  })
  const rest = carry + decoder.end()
  if (rest) onLines([rest])
  return result
}
