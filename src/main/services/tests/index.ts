export {
  TestService,
  DEFAULT_FETCH_INTERVAL_MS,
  BRANCH_HISTORY,
  type TestServiceEvent,
  type TestServiceOptions,
  type TestRequest
} from './test-service'
export { parseJUnitFailures, decodeXmlText } from './junit'
export { ResultsStore, type LoadedResults } from './results-store'
export { runInProcessGroup, isProcessAlive, KILL_GRACE_MS, type CommandEnd } from './process-tree'
export { WorktreePool, KEPT_SETUP_DIRS } from './worktree-pool'
export { SetupCache, setupKey, LOCKFILES, SETUP_CACHE_ENTRIES } from './setup-cache'
export { readLogSlice, LOG_FLUSH_MS, MAX_LOG_SLICE } from './run-log'
