import { vulnerabilityCheck, type VulnerabilityCategory } from '@simple-git/argv-parser'
import { simpleGit } from 'simple-git'

/** What one git process left behind. */
export interface EngineOutput {
  readonly stdout: string
  readonly stderr: string
  readonly exitCode: number
}

/** One git call for {@link runWithSimpleGit}. */
export interface EngineCall {
  readonly cwd: string
  /** The caller's command: optional leading `-c key=value` pairs, then the verb and its args. */
  readonly args: readonly string[]
  /** Slipway's own `-c key=value` pairs (safe config and the repository's neutralised settings). */
  readonly ownConfig: readonly string[]
  /** Slipway's own options for the verb (inserted right after it). */
  readonly verbOptions: readonly string[]
  readonly env: NodeJS.ProcessEnv
  readonly okExitCodes: readonly number[]
  readonly timeoutMs: number
}

/** Why a call did not produce an {@link EngineOutput}. */
export type EngineFailure =
  | { readonly kind: 'refused'; readonly message: string }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'spawn'; readonly message: string }
  | { readonly kind: 'exit'; readonly exitCode: number | null; readonly stderr: string }

/** Thrown by {@link runWithSimpleGit}; runner.ts turns it into a GitError. */
export class EngineError extends Error {
  constructor(readonly failure: EngineFailure) {
    super(failure.kind)
  }
}

/** Splits the leading `-c key=value` pairs (constants in Slipway's code) from the command. */
export function splitLeadingConfig(args: readonly string[]): {
  config: string[]
  command: readonly string[]
} {
  const config: string[] = []
  let i = 0
  while (args[i] === '-c' && i + 1 < args.length) {
    config.push(args[i + 1] as string)
    i += 2
  }
  return { config, command: args.slice(i) }
}

/**
 * The categories of simple-git's unsafe-operation guard that Slipway's own additions trip:
 * `core.hooksPath=/dev/null`, `core.fsmonitor=false`, `GIT_PAGER=cat`, the neutralised
 * `core.sshCommand`/filters/drivers/helpers, `--upload-pack=git-upload-pack`, and whatever the
 * user's own environment sets (GIT_SSH_COMMAND, GIT_ASKPASS…). Only these are allowed, and only
 * because the caller's own command is checked with every category blocked first.
 */
function ownCategories(call: EngineCall, config: readonly string[]): Set<VulnerabilityCategory> {
  const own = [...config.flatMap((c) => ['-c', c]), 'fetch', ...call.verbOptions]
  return new Set(vulnerabilityCheck(own, call.env).map((v) => v.category))
}

/**
 * Runs one git command through simple-git, with its unsafe-operation guard on: the caller's
 * verb and arguments (where untrusted names can appear) must pass with every category blocked;
 * the categories Slipway's own settings need are then allowed for the spawn itself. Exit codes
 * in `okExitCodes` are answers, not failures; the whole call is killed after `timeoutMs`.
 */
export async function runWithSimpleGit(call: EngineCall): Promise<EngineOutput> {
  const { config: leading, command } = splitLeadingConfig(call.args)
  const [verb, ...rest] = command
  if (verb === undefined) throw new EngineError({ kind: 'refused', message: 'no git verb given' })
  const refused = vulnerabilityCheck(command, {})[0]
  if (refused) throw new EngineError({ kind: 'refused', message: refused.message })
  const config = [...call.ownConfig, ...leading]
  const unsafe = Object.fromEntries([...ownCategories(call, config)].map((c) => [c, true]))
  let exitCode: number | null = null
  let stderr = ''
  const abort = new AbortController()
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    abort.abort()
  }, call.timeoutMs)
  let git
  try {
    git = simpleGit({
      baseDir: call.cwd,
      config,
      unsafe,
      abort: abort.signal,
      // Every exit is judged here: the default handler's "non-zero with stderr" rule would turn
      // answers (exit 1 of `merge-base --is-ancestor`) into failures and let silent ones pass.
      errors: (_error, result) => {
        exitCode = result.exitCode
        stderr = Buffer.concat(result.stdErr).toString('utf8')
        return call.okExitCodes.includes(result.exitCode) ? undefined : new Error('exit')
      }
    }).env(call.env)
  } catch (e) {
    clearTimeout(timer)
    throw new EngineError({ kind: 'spawn', message: e instanceof Error ? e.message : String(e) })
  }
  try {
    const stdout = await git.raw([verb, ...call.verbOptions, ...rest])
    return { stdout, stderr, exitCode: exitCode ?? 0 }
  } catch (e) {
    if (timedOut) throw new EngineError({ kind: 'timeout' })
    if (exitCode === null) {
      throw new EngineError({ kind: 'spawn', message: e instanceof Error ? e.message : String(e) })
    }
    throw new EngineError({ kind: 'exit', exitCode, stderr })
  } finally {
    clearTimeout(timer)
  }
}
