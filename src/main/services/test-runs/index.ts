/**
 * Continuous testing: the public surface of the test runner.
 *
 * Layout under the workspace's data folder: `test-results.jsonl` (append-only, last record of a
 * run wins), `logs/<runId>.log`, `worktrees/wt-<pool>-<n>` (detached worktrees, reused),
 * `setup-cache/<key>/node_modules` (setup results per lockfile hash, hard-linked into
 * worktrees). A run: acquire a worktree at the sha (or at main's tip plus `git merge
 * --no-commit` of the sha for a merge-result run), restore or run the setup, run
 * `sh -c test.command` in its own process group, read the JUnit report, record the result.
 */
export { TestService } from './test-service'
export {
  DEFAULT_FETCH_INTERVAL_MS,
  BRANCH_HISTORY,
  MAX_KEPT_RUNS,
  type TestServiceEvent,
  type TestServiceOptions,
  type TestRequest
} from './test-service-options'
export { parseJUnitFailures, decodeXmlText } from './junit'
export {
  ResultsStore,
  readStoredRuns,
  RESULTS_FILE,
  type LoadedResults,
  type RunFilter
} from './results-store'
export {
  runInProcessGroup,
  isProcessAlive,
  signalGroup,
  KILL_GRACE_MS,
  type CommandEnd
} from './process-tree'
export { WorktreePool, KEPT_SETUP_DIRS, type Worktree } from './worktree-pool'
export { SetupCache, setupKey, LOCKFILES, SETUP_CACHE_ENTRIES } from './setup-cache'
export { readLogSlice, RunLog, LOG_FLUSH_MS, MAX_LOG_SLICE, type LogChunk } from './run-log'
export { searchLogFile, MAX_SEARCH_BYTES } from './log-search'
