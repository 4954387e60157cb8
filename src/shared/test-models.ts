import { z } from 'zod'

/** The lifecycle of one test run; every switch over it ends in `assertNever`. */
export const TestRunStatusSchema = z.enum([
  'queued',
  'running',
  'passed',
  'failed',
  'cancelled',
  'timed-out',
  'error'
])
export type TestRunStatus = z.output<typeof TestRunStatusSchema>

/** True for statuses that will not change any more. */
export function isFinished(status: TestRunStatus): boolean {
  return status !== 'queued' && status !== 'running'
}

/** What is tested: a branch tip as it is, or the merge of the tip into current main. */
export const TestTargetKindSchema = z.enum(['tip', 'merge'])
export type TestTargetKind = z.output<typeof TestTargetKindSchema>

/** A failing test case read from the JUnit XML the command wrote. */
export const FailedTestSchema = z.object({
  suite: z.string(),
  name: z.string(),
  message: z.string()
})
export type FailedTest = z.output<typeof FailedTestSchema>

/** One run of the workspace's test command at one exact commit. */
export const TestRunSchema = z.object({
  /** Unique id of the run. */
  id: z.string(),
  kind: TestTargetKindSchema,
  /** The commit tested: the branch tip (kind 'tip'). */
  sha: z.string(),
  /** For kind 'merge': main's tip the branch was merged into; else null. */
  mainSha: z.string().nullable(),
  /** The branch that asked for the run (results are keyed by sha and shared across branches). */
  branch: z.string(),
  status: TestRunStatusSchema,
  /** Why the run was queued: 'new-commit' | 'manual' | 'startup' … */
  reason: z.string(),
  queuedAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  durationMs: z.number().nullable(),
  exitCode: z.number().nullable(),
  /** One line saying what happened (e.g. "3 tests failed", "merge conflict in a.ts, b.ts"). */
  summary: z.string(),
  /** Files in conflict when the merge-result check could not merge. */
  conflicts: z.array(z.string()),
  failedTests: z.array(FailedTestSchema),
  /** Size of the stored log in bytes. */
  logBytes: z.number()
})
export type TestRun = z.output<typeof TestRunSchema>

/** The queue as the board shows it. */
export const TestQueueSchema = z.object({
  paused: z.boolean(),
  concurrency: z.number().int(),
  running: z.array(TestRunSchema),
  queued: z.array(TestRunSchema)
})
export type TestQueue = z.output<typeof TestQueueSchema>

/** The test state of one branch: its tip and merge result, plus recent history. */
export const BranchTestStateSchema = z.object({
  branch: z.string(),
  sha: z.string(),
  tip: TestRunSchema.nullable(),
  merge: TestRunSchema.nullable(),
  /** Recent runs of this branch, newest first (at most 10). */
  history: z.array(TestRunSchema)
})
export type BranchTestState = z.output<typeof BranchTestStateSchema>
