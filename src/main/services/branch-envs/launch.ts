import { join } from 'node:path'
import type { BranchEnvStep } from '../../../shared/branch-env-models'
import type { BranchEnvironmentsConfig } from '../../../shared/config-schema'
import { branchEnv, bwrapArgs, bwrapAvailable, createRunHome, defaultHidden } from '../sandbox'
import {
  runInProcessGroup,
  setupKey,
  type CommandEnd,
  type RunLog,
  type SetupCache
} from '../test-runs'
import { healthUrlFor, waitForHealth } from './health-wait'

/** What {@link launch} needs for one start of one environment. */
export interface LaunchInput {
  readonly config: BranchEnvironmentsConfig
  /** The workspace repository (read-only inside the sandbox) and its data folder (hidden). */
  readonly repo: string
  readonly dataDir: string
  /** The checkout at the commit to run (the environment's own worktree). */
  readonly worktree: string
  readonly sha: string
  /** The branch, for SLIPWAY_BRANCH ('' for a release's commit). */
  readonly branch: string
  readonly port: number
  readonly log: RunLog
  readonly cache: SetupCache
  /** Aborting it stops whatever runs (setup or app): SIGTERM to the group, SIGKILL after a grace. */
  readonly signal: AbortSignal
  readonly onStep: (step: BranchEnvStep) => void
  /** A process group started (setup or run) and when it ended: for the state file. */
  readonly onGroup: (pgid: number) => void
  /** Awaited before the command counts as ended, so the state file never lags behind. */
  readonly onGroupEnd: (pgid: number) => Promise<void>
}

/** How a start went: the app answers (and `ended` settles when it stops), or why not. */
export type LaunchResult =
  | { readonly kind: 'running'; readonly ended: Promise<CommandEnd> }
  | { readonly kind: 'failed'; readonly summary: string; readonly exitCode: number | null }
  | { readonly kind: 'aborted' }

/**
 * Starts one environment in its worktree: the setup (restored from the cache keyed by the
 * lockfiles, else run and saved), then `run` with PORT, waiting for the health URL. Branch code
 * gets the allow-listed environment with its own empty HOME and TMPDIR, inside bubblewrap
 * unless `sandbox: none`; each command is its own process group.
 */
export async function launch(input: LaunchInput): Promise<LaunchResult> {
  const { config, log, worktree } = input
  if (config.sandbox === 'bwrap' && !bwrapAvailable()) {
    return {
      kind: 'failed',
      summary:
        'branchEnvironments.sandbox is bwrap (the default), but bubblewrap is not installed or cannot run here: install it (apt-get install bubblewrap) or set sandbox: none',
      exitCode: null
    }
  }
  const runHome = await createRunHome(join(input.dataDir, 'run-homes'))
  const env = branchEnv({
    home: runHome.home,
    tmp: runHome.tmp,
    configured: config.env,
    slipway: {
      PORT: String(input.port),
      SLIPWAY_BRANCH: input.branch,
      SLIPWAY_COMMIT: input.sha
    }
  })
  const wrap =
    config.sandbox === 'bwrap'
      ? bwrapArgs({
          worktree,
          repo: input.repo,
          home: runHome.home,
          tmp: runHome.tmp,
          hidden: defaultHidden(input.dataDir)
        })
      : undefined
  const exec = (command: string, signal: AbortSignal): Promise<CommandEnd> => {
    let group: number | null = null
    const ended = runInProcessGroup(command, {
      cwd: worktree,
      env,
      wrap,
      signal,
      onSpawn: (pgid) => {
        group = pgid
        input.onGroup(pgid)
      },
      onOutput: (chunk) => log.write(chunk)
    })
    return ended.then(async (end) => {
      if (group !== null) await input.onGroupEnd(group).catch(() => undefined)
      return end
    })
  }
  let handedOver = false
  try {
    const setup = await runSetup(input, exec)
    if (setup) return setup
    const result = await runApp(input, exec)
    if (result.kind === 'running') {
      handedOver = true
      void result.ended.finally(() => runHome.remove())
    }
    return result
  } finally {
    if (!handedOver) await runHome.remove()
  }
}

type Exec = (command: string, signal: AbortSignal) => Promise<CommandEnd>

/** The setup step; null to go on, else how the start ended. */
async function runSetup(input: LaunchInput, exec: Exec): Promise<LaunchResult | null> {
  const { config, log, worktree, cache } = input
  if (!config.setup) return null
  input.onStep('setup')
  const key = await setupKey(worktree, config.setup)
  const cached = key ? await cache.restore(worktree, key) : 'miss'
  if (!key) await cache.clear(worktree)
  if (cached !== 'miss') {
    log.note(`setup: cache hit ${(key as string).slice(0, 12)} (${cached})`)
    return null
  }
  log.note(
    key
      ? `setup (cache miss ${key.slice(0, 12)}): ${config.setup}`
      : `setup (no lockfile): ${config.setup}`
  )
  const end = await exec(config.setup, input.signal)
  if (input.signal.aborted) return { kind: 'aborted' }
  switch (end.kind) {
    case 'exited':
      if (end.exitCode !== 0) {
        return {
          kind: 'failed',
          summary: `setup failed (exit code ${end.exitCode})`,
          exitCode: end.exitCode
        }
      }
      if (key) await cache.save(worktree, key)
      return null
    case 'killed':
      return { kind: 'aborted' }
    case 'spawn-failed':
      return { kind: 'failed', summary: `could not start setup: ${end.message}`, exitCode: null }
  }
}

/** Starts `run` and waits for the health URL, the app's exit or the deadline. */
async function runApp(input: LaunchInput, exec: Exec): Promise<LaunchResult> {
  const { config, log, signal } = input
  const url = healthUrlFor(config.healthUrl, input.port)
  input.onStep('run')
  log.note(`running on port ${input.port}: ${config.run}`)
  // The app gets its own controller: a health timeout stops it without stopping the caller.
  const app = new AbortController()
  const forward = (): void => app.abort()
  signal.addEventListener('abort', forward)
  const ended = exec(config.run, app.signal).finally(() =>
    signal.removeEventListener('abort', forward)
  )
  input.onStep('health')
  log.note(`waiting for ${url} (up to ${config.startTimeoutSeconds} s)`)
  const waiting = new AbortController()
  const health = waitForHealth(url, Date.now() + config.startTimeoutSeconds * 1000, waiting.signal)
  const first = await Promise.race([
    health.then((h) => ({ h }) as const),
    ended.then((end) => ({ end }) as const)
  ])
  waiting.abort()
  if ('end' in first) {
    if (signal.aborted) return { kind: 'aborted' }
    return exitedEarly(first.end, url)
  }
  if (first.h === 'healthy') {
    log.note(`${url} answers: running`)
    return { kind: 'running', ended }
  }
  app.abort()
  await ended
  if (signal.aborted || first.h === 'aborted') return { kind: 'aborted' }
  log.note(`${url} did not answer within ${config.startTimeoutSeconds} s; stopped`)
  return {
    kind: 'failed',
    summary: `${url} did not answer within ${config.startTimeoutSeconds} s`,
    exitCode: null
  }
}

function exitedEarly(end: CommandEnd, url: string): LaunchResult {
  switch (end.kind) {
    case 'exited':
      return {
        kind: 'failed',
        summary: `the app exited with code ${end.exitCode} before ${url} answered`,
        exitCode: end.exitCode
      }
    case 'killed':
      return { kind: 'failed', summary: `the app was killed (${end.signal})`, exitCode: null }
    case 'spawn-failed':
      return { kind: 'failed', summary: `could not start the app: ${end.message}`, exitCode: null }
  }
}
