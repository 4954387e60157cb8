import { z } from 'zod'
import { defineMethods, EmptyRequest as Empty } from './contract-method'
import { LogQuerySchema, LogSearchResultSchema } from './log-search'
import {
  BranchTestStateSchema,
  TestQueueSchema,
  TestRunSchema,
  TestTargetKindSchema,
  type TestQueue,
  type TestRun
} from './test-models'

const RunId = z.string().min(1, 'a run id is required').max(200)

/** The most bytes one `tests.log` call may read (the viewer fetches the log in windows). */
export const MAX_LOG_WINDOW_BYTES = 1024 * 1024

/**
 * Test-run methods (issue: continually test every branch): method → request → response.
 * Spread into the one `contract` in contract.ts.
 */
export const testMethods = defineMethods({
  /** Each branch's latest tip and merge-result runs, for the board. */
  'tests.branchStates': {
    request: Empty,
    response: z.array(BranchTestStateSchema),
    effect: 'read'
  },
  /** What runs and what waits; whether the queue is paused. */
  'tests.queue': { request: Empty, response: TestQueueSchema, effect: 'read' },
  /** One stored run by id. */
  'tests.run': {
    request: z.object({ id: RunId }).strict(),
    response: TestRunSchema,
    effect: 'read'
  },
  /** Stored runs, newest first, optionally of one branch or commit. */
  'tests.runs': {
    request: z
      .object({
        branch: z.string().min(1).optional(),
        sha: z.string().min(4).max(64).optional(),
        limit: z.number().int().min(1).max(10_000).optional()
      })
      .strict(),
    response: z.array(TestRunSchema),
    effect: 'read'
  },
  /** Queues a run of a branch or commit (or answers a finished one unless `force`). */
  'tests.request': {
    request: z
      .object({
        branch: z.string().min(1).optional(),
        sha: z.string().min(4).max(64).optional(),
        kind: TestTargetKindSchema.optional(),
        force: z.boolean().optional()
      })
      .strict()
      .refine((r) => r.branch !== undefined || r.sha !== undefined, 'give a branch or a sha'),
    response: TestRunSchema,
    effect: 'change'
  },
  /** Cancels one queued or running run. */
  'tests.cancel': {
    request: z.object({ id: RunId }).strict(),
    response: z.null(),
    effect: 'change'
  },
  /** Cancels every queued and running run. */
  'tests.cancelAll': { request: Empty, response: z.null(), effect: 'change' },
  /** Pauses or resumes starting queued runs. */
  'tests.setPaused': {
    request: z.object({ paused: z.boolean() }).strict(),
    response: TestQueueSchema,
    effect: 'change'
  },
  /** Tests this branch first after main (the branch open in the drawer). */
  'tests.focus': {
    request: z.object({ branch: z.string().min(1).nullable() }).strict(),
    response: z.null(),
    effect: 'change'
  },
  /** A window of a run's stored log. */
  'tests.log': {
    request: z
      .object({
        id: RunId,
        offset: z.number().int().min(0),
        length: z.number().int().min(1).max(MAX_LOG_WINDOW_BYTES)
      })
      .strict(),
    response: z.object({ text: z.string(), totalBytes: z.number().int() }),
    effect: 'read'
  },
  /**
   * Searches a run's whole stored log (the viewer holds only a window of it): the first
   * matches in log order, each with its line number and the byte offset of its line.
   */
  'tests.logSearch': {
    request: z.object({ id: RunId, query: LogQuerySchema }).strict(),
    response: LogSearchResultSchema,
    effect: 'read'
  }
})

/** Events of the test-run domain: name → payload. */
export interface TestEvents {
  /** A run was queued, started or finished (or its summary changed). */
  'tests.runChanged': { readonly run: TestRun }
  /**
   * Live output of a running run, in order (coalesced by the service): bytes
   * `[offset, offset + bytes)` of its stored log, sent once they are readable with `tests.log`.
   */
  'tests.log': {
    readonly runId: string
    readonly chunk: string
    readonly offset: number
    readonly bytes: number
  }
  /** The queue changed: a run was queued, started, finished or cancelled; paused toggled. */
  'tests.queueChanged': { readonly queue: TestQueue }
}
