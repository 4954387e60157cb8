import type { SlipwayConfig } from '../../../shared/config-schema'
import type { TestRun } from '../../../shared/test-models'
import type { RunLog } from './run-log'
import { runSteps, type RunOutcome } from './run-steps'
import type { SetupCache } from './setup-cache'
import type { Worktree, WorktreePool } from './worktree-pool'

/** What one run needs to execute. */
export interface RunInWorktreeOptions {
  readonly run: TestRun
  readonly test: NonNullable<SlipwayConfig['test']>
  /** The run's log (closed here once the outcome is noted). */
  readonly log: RunLog
  readonly pool: WorktreePool
  readonly cache: SetupCache
  readonly signal: AbortSignal
  /** Why the run was stopped, once it was (the cancelled run's summary). */
  readonly stopReason: () => string | null
  /** The workspace's repository and data folder (the run's private HOME and TMPDIR live there). */
  readonly repo: string
  readonly dataDir: string
}

/**
 * Runs the test command for one run in an isolated worktree of the pool (at the sha, or main's
 * tip for a merge result), within `test.timeoutSeconds`; an error becomes an `error` outcome,
 * an abort a `cancelled` one. The worktree goes back to the pool and the log is closed.
 */
export async function runInWorktree(options: RunInWorktreeOptions): Promise<RunOutcome> {
  const { run, test, log, pool, cache, signal, repo, dataDir } = options
  const deadline = Date.now() + test.timeoutSeconds * 1000
  let worktree: Worktree | null = null
  let result: RunOutcome
  try {
    const checkout = run.kind === 'merge' ? (run.mainSha as string) : run.sha
    log.note(`checking out ${checkout.slice(0, 8)} in an isolated worktree`)
    worktree = await pool.acquire(checkout, Boolean(test.setup))
    result = await runSteps({
      worktree,
      run,
      log,
      test,
      cache,
      deadline,
      signal,
      repo,
      dataDir
    })
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e)
    log.note(`error: ${message}`)
    result = {
      status: 'error',
      summary: message.split('\n')[0] ?? 'error',
      exitCode: null,
      conflicts: [],
      failedTests: []
    }
  }
  if (signal.aborted && result.status !== 'timed-out') {
    result = { ...result, status: 'cancelled', summary: options.stopReason() ?? 'cancelled' }
  }
  if (worktree) pool.release(worktree)
  // "failed: 1 test failed", but "passed" alone when the summary only repeats the status.
  const summary = result.summary.trim()
  log.note(summary && summary !== result.status ? `${result.status}: ${summary}` : result.status)
  await log.close()
  return result
}
