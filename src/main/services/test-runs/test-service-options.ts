import type { SlipwayConfig } from '../../../shared/config-schema'
import type { TestQueue, TestRun, TestTargetKind } from '../../../shared/test-models'
import { ExpectedError } from '../errors'
import type { ErrorLog } from '../log'

/** What the test service tells the host (router → renderer, CLI). */
export type TestServiceEvent =
  | { readonly kind: 'run'; readonly run: TestRun }
  | {
      readonly kind: 'log'
      readonly runId: string
      /** Live output: bytes `[offset, offset + bytes)` of the run's stored log. */
      readonly chunk: string
      readonly offset: number
      readonly bytes: number
    }
  | { readonly kind: 'queue'; readonly queue: TestQueue }

/** Options for {@link TestService}. */
export interface TestServiceOptions {
  readonly workspacePath: string
  /** The workspace's own data folder (workspaceDataDir): results, logs, worktrees, setup cache. */
  readonly dataDir: string
  readonly config: SlipwayConfig
  readonly mainBranch: string
  readonly onEvent: (e: TestServiceEvent) => void
  /** Where problems of background work go (unreadable results, a failed fetch or save). */
  readonly log: ErrorLog
  /** Origin fetch interval when there is an origin; default 5 min; 0 = never. */
  readonly fetchIntervalMs?: number
  readonly now?: () => Date
  /** How many runs (and their logs) are kept; the oldest go at start. Default {@link MAX_KEPT_RUNS}. */
  readonly keepRuns?: number
}

/** What {@link TestService.request} queues. */
export interface TestRequest {
  readonly branch?: string
  readonly sha?: string
  readonly kind?: TestTargetKind
  readonly force?: boolean
  readonly reason?: string
}

/** Default interval between `git fetch --prune origin` calls. */
export const DEFAULT_FETCH_INTERVAL_MS = 5 * 60_000
/** How many runs (with their logs) a workspace keeps by default. */
export const MAX_KEPT_RUNS = 5000
/** Most runs a branch's history shows. */
export const BRANCH_HISTORY = 10

/** The workspace's test settings; `bad-config` when slipway.yml has no test.command. */
export function testCommandOf(config: SlipwayConfig): NonNullable<SlipwayConfig['test']> {
  if (!config.test) {
    throw new ExpectedError('bad-config', 'slipway.yml has no test.command; add one to run tests')
  }
  return config.test
}
