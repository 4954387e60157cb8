import { readFile } from 'node:fs/promises'
import { isAbsolute, join, relative, resolve } from 'node:path'
import type { SlipwayConfig } from '../../../shared/config-schema'
import { assertNever } from '../../../shared/errors'
import type { FailedTest, TestRun } from '../../../shared/test-models'
import { runGit } from '../git'
import { branchEnv, bwrapArgs, bwrapAvailable, createRunHome, defaultHidden } from '../sandbox'
import { parseJUnitFailures } from './junit'
import { TEST_OWNER_VARIABLE, testOwnerMarker } from './orphans'
import { runInProcessGroup, type CommandEnd } from './process-tree'
import type { RunLog } from './run-log'
import { setupKey, type SetupCache } from './setup-cache'
import type { Worktree } from './worktree-pool'

/** What a run's steps decide about it. */
export type RunOutcome = Pick<
  TestRun,
  'status' | 'summary' | 'exitCode' | 'conflicts' | 'failedTests'
>

/** The `test` section of slipway.yml. */
export type TestConfig = NonNullable<SlipwayConfig['test']>

/** Everything {@link runSteps} needs. */
export interface RunStepsInput {
  readonly worktree: Worktree
  readonly run: TestRun
  readonly log: RunLog
  readonly test: TestConfig
  readonly cache: SetupCache
  /** When the run's time is up (ms since the epoch): setup and command share it. */
  readonly deadline: number
  readonly signal: AbortSignal
  /** The workspace repository (read-only inside a sandbox). */
  readonly repo: string
  /** The workspace's data folder: per-run HOME and TMPDIR go under it; a sandbox hides it. */
  readonly dataDir: string
}

const MERGE_IDENTITY = ['-c', 'user.name=Slipway', '-c', 'user.email=slipway@localhost']
// The user's hooks never run for Slipway's own merges.
const NO_HOOKS = ['-c', 'core.hooksPath=/dev/null']
const short = (sha: string): string => sha.slice(0, 8)

/**
 * One run's steps in its checked-out worktree: the merge (kind 'merge'), the setup (restored
 * from the cache or run and saved), the test command, the JUnit report; answers the outcome.
 * The branch name reaches the commands only through `SLIPWAY_BRANCH` in their environment.
 */
export async function runSteps(input: RunStepsInput): Promise<RunOutcome> {
  const { worktree, run, log, test, deadline, signal } = input
  const none = { exitCode: null, conflicts: [], failedTests: [] }
  if (run.kind === 'merge') {
    worktree.merged = true
    log.note(`merging ${short(run.sha)} into ${short(run.mainSha as string)} (no ref changes)`)
    const merge = await runGit(
      worktree.path,
      [...MERGE_IDENTITY, ...NO_HOOKS, 'merge', '--no-commit', '--no-ff', '--quiet', run.sha],
      { okExitCodes: [0, 1] }
    )
    if (merge.exitCode !== 0) {
      const diff = await runGit(worktree.path, ['diff', '--name-only', '--diff-filter=U', '-z'])
      const conflicts = diff.stdout.split('\0').filter(Boolean)
      if (conflicts.length === 0) {
        throw new Error(`git merge failed: ${merge.stderr.trim() || merge.stdout.trim()}`)
      }
      void log.write(Buffer.from(merge.stdout))
      const shown = conflicts.slice(0, 3).join(', ') + (conflicts.length > 3 ? ', …' : '')
      return { ...none, status: 'failed', summary: `merge conflict in ${shown}`, conflicts }
    }
  }
  if (test.sandbox === 'bwrap' && !bwrapAvailable()) {
    const summary = 'test.sandbox is bwrap, but bubblewrap is not installed or cannot run here'
    return { ...none, status: 'error', summary }
  }
  // Branch code gets an allow-listed environment and its own empty HOME and TMPDIR: never the
  // agent socket, tokens or cloud credentials of the person running Slipway.
  const runHome = await createRunHome(join(input.dataDir, 'run-homes'))
  try {
    const env = branchEnv({
      home: runHome.home,
      tmp: runHome.tmp,
      configured: test.env,
      slipway: {
        CI: 'true',
        SLIPWAY_BRANCH: run.branch,
        SLIPWAY_COMMIT: run.sha,
        SLIPWAY_TEST_KIND: run.kind,
        // Names this Slipway: the next one ends the run's processes if this one is killed.
        [TEST_OWNER_VARIABLE]: testOwnerMarker(),
        ...(run.mainSha ? { SLIPWAY_MAIN_COMMIT: run.mainSha } : {})
      }
    })
    const wrap =
      test.sandbox === 'bwrap'
        ? bwrapArgs({
            worktree: worktree.path,
            repo: input.repo,
            home: runHome.home,
            tmp: runHome.tmp,
            hidden: defaultHidden(input.dataDir)
          })
        : undefined
    const exec = (command: string): Promise<CommandEnd> =>
      runInProcessGroup(command, {
        cwd: worktree.path,
        env,
        wrap,
        signal,
        timeoutMs: Math.max(1, deadline - Date.now()),
        onOutput: (chunk) => log.write(chunk)
      })
    return await runCommands(input, exec)
  } finally {
    await runHome.remove()
  }
}

/** The setup (cached) and the test command, then the JUnit report. */
async function runCommands(
  input: RunStepsInput,
  exec: (command: string) => Promise<CommandEnd>
): Promise<RunOutcome> {
  const { worktree, log, test, cache } = input
  const none = { exitCode: null, conflicts: [], failedTests: [] }
  if (test.setup) {
    const key = await setupKey(worktree.path, test.setup)
    const cached = key ? await cache.restore(worktree.path, key) : 'miss'
    if (!key) await cache.clear(worktree.path)
    if (cached === 'miss') {
      log.note(
        key
          ? `setup (cache miss ${key.slice(0, 12)}): ${test.setup}`
          : `setup (no lockfile): ${test.setup}`
      )
      const end = await exec(test.setup)
      const failed = endResult(end, 'setup', test.timeoutSeconds)
      if (failed) return { ...none, ...failed }
      if (key) await cache.save(worktree.path, key)
    } else {
      log.note(`setup: cache hit ${(key as string).slice(0, 12)} (${cached})`)
    }
  }

  log.note(`running: ${test.command}`)
  const end = await exec(test.command)
  const failedTests = test.junit ? await readJUnit(worktree.path, test.junit, log) : []
  const stopped = endResult(end, 'test', test.timeoutSeconds)
  if (stopped) return { ...none, ...stopped, failedTests }
  const exitCode = end.kind === 'exited' ? end.exitCode : null
  if (exitCode === 0) return { ...none, status: 'passed', summary: 'passed', exitCode, failedTests }
  const summary =
    failedTests.length > 0
      ? `${failedTests.length} test${failedTests.length === 1 ? '' : 's'} failed`
      : `exit code ${exitCode}`
  return { ...none, status: 'failed', summary, exitCode, failedTests }
}

/** The result of a step that did not simply exit (or a setup that failed); null to go on. */
function endResult(
  end: CommandEnd,
  step: 'setup' | 'test',
  timeoutSeconds: number
): Pick<TestRun, 'status' | 'summary' | 'exitCode'> | null {
  switch (end.kind) {
    case 'exited':
      if (step === 'setup' && end.exitCode !== 0) {
        return {
          status: 'failed',
          summary: `setup failed (exit code ${end.exitCode})`,
          exitCode: end.exitCode
        }
      }
      return null
    case 'killed':
      return end.reason === 'timeout'
        ? {
            status: 'timed-out',
            summary: `timed out after ${timeoutSeconds} s${step === 'setup' ? ' (in setup)' : ''}`,
            exitCode: null
          }
        : { status: 'cancelled', summary: 'cancelled', exitCode: null }
    case 'spawn-failed':
      return {
        status: 'error',
        summary: `could not start the ${step} command: ${end.message}`,
        exitCode: null
      }
    default:
      return assertNever(end)
  }
}

async function readJUnit(worktree: string, file: string, log: RunLog): Promise<FailedTest[]> {
  const path = resolve(worktree, file)
  const rel = relative(worktree, path)
  if (rel.startsWith('..') || isAbsolute(rel)) {
    log.note(`test.junit ${file} is outside the checkout; not read`)
    return []
  }
  const xml = await readFile(path, 'utf8').catch(() => null)
  if (xml === null) {
    log.note(`no JUnit report at ${file}`)
    return []
  }
  return parseJUnitFailures(xml)
}
