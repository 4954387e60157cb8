import { z } from 'zod'
import {
  BranchTestStateSchema,
  TestQueueSchema,
  TestRunSchema,
  TestTargetKindSchema,
  type TestQueue,
  type TestRun
} from './test-models'

const Empty = z.object({}).strict()
const RunId = z.string().min(1, 'a run id is required').max(200)

/** The most bytes one `tests.log` call may read (the viewer fetches the log in windows). */
export const MAX_LOG_WINDOW_BYTES = 1024 * 1024

/**
 * Test-run methods (issue: continually test every branch): method → request → response.
 * Spread into the one `contract` in contract.ts.
 */
export const testMethods = {
  'tests.branchStates': { request: Empty, response: z.array(BranchTestStateSchema) },
  'tests.queue': { request: Empty, response: TestQueueSchema },
  'tests.run': { request: z.object({ id: RunId }).strict(), response: TestRunSchema },
  'tests.runs': {
    request: z
      .object({
        branch: z.string().min(1).optional(),
        sha: z.string().min(4).max(64).optional(),
        limit: z.number().int().min(1).max(1000).optional()
      })
      .strict(),
    response: z.array(TestRunSchema)
  },
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
    response: TestRunSchema
  },
  'tests.cancel': { request: z.object({ id: RunId }).strict(), response: z.null() },
  'tests.cancelAll': { request: Empty, response: z.null() },
  'tests.setPaused': {
    request: z.object({ paused: z.boolean() }).strict(),
    response: TestQueueSchema
  },
  'tests.focus': {
    request: z.object({ branch: z.string().min(1).nullable() }).strict(),
    response: z.null()
  },
  'tests.log': {
    request: z
      .object({
        id: RunId,
        offset: z.number().int().min(0),
        length: z.number().int().min(1).max(MAX_LOG_WINDOW_BYTES)
      })
      .strict(),
    response: z.object({ text: z.string(), totalBytes: z.number().int() })
  }
} as const

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
