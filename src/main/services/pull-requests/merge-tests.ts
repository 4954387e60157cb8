/**
 * What pull requests need from continuous testing: the merge-result runs of a branch tip,
 * and a way to start one and wait for it. {@link testServiceMergeTests} adapts the workspace's
 * TestService; the checks never run tests of their own.
 */
import type { TestRun } from '../../../shared/test-models'
import type { TestService } from '../test-runs'

/** Merge-result testing as pull requests use it. */
export interface MergeTests {
  /** Merge-result runs of `head` (into any main), newest first. */
  runsOf(head: string): Promise<readonly TestRun[]>
  /** Queues (or reuses) a merge-result run of branch `headRef` into main's current tip. */
  request(headRef: string): Promise<TestRun>
  /** Resolves when the run has finished. */
  whenFinished(runId: string): Promise<TestRun>
}

/** {@link MergeTests} over the workspace's TestService (started on first use). */
export function testServiceMergeTests(service: () => Promise<TestService>): MergeTests {
  return {
    runsOf: async (head) =>
      (await service()).runs({ sha: head }).filter((r) => r.kind === 'merge' && r.sha === head),
    request: async (headRef) =>
      (await service()).request({ branch: headRef, kind: 'merge', reason: 'pull request' }),
    whenFinished: async (runId) => (await service()).whenFinished(runId)
  }
}
