import {
  isFinished,
  type BranchTestState,
  type TestRun,
  type TestTargetKind
} from '../../../shared/test-models'
import { ExpectedError } from '../errors'
import type { BranchRef } from '../git'
import { BRANCH_HISTORY } from './test-service-options'

/** The key of what a run tests: a tip by its sha, a merge result by its sha and main's. */
export const keyOf = (kind: TestTargetKind, sha: string, mainSha: string | null): string =>
  kind === 'merge' ? `merge:${sha}:${mainSha ?? ''}` : `tip:${sha}`

/**
 * The test service's memory of its runs: every run by id (in the order they were created),
 * the latest run of each tip or merge result, and who waits for a run to finish.
 */
export class RunRecords {
  private readonly byId = new Map<string, TestRun>()
  private readonly latestByKey = new Map<string, string>()
  private readonly waiters = new Map<string, Array<(run: TestRun) => void>>()

  /** Keeps the newest state of a run; tells its waiters once it has finished. */
  remember(run: TestRun): void {
    this.byId.set(run.id, run)
    this.latestByKey.set(keyOf(run.kind, run.sha, run.mainSha), run.id)
    if (!isFinished(run.status)) return
    for (const resolve of this.waiters.get(run.id)?.splice(0) ?? []) resolve(run)
    this.waiters.delete(run.id)
  }

  /** One run; `ExpectedError('not-found')` for an unknown id. */
  get(runId: string): TestRun {
    const run = this.byId.get(runId)
    if (!run) throw new ExpectedError('not-found', `no test run ${runId}`, { runId })
    return run
  }

  /** The latest run of a tip or merge result ({@link keyOf}), if any. */
  latest(key: string): TestRun | null {
    const id = this.latestByKey.get(key)
    return id ? (this.byId.get(id) ?? null) : null
  }

  /** Every run, oldest first. */
  all(): TestRun[] {
    return [...this.byId.values()]
  }

  /** Runs, newest first, optionally of one branch or of shas starting with `sha`. */
  list(filter: { branch?: string; sha?: string; limit?: number } = {}): TestRun[] {
    const out: TestRun[] = []
    const all = this.all()
    for (let i = all.length - 1; i >= 0; i -= 1) {
      const run = all[i] as TestRun
      if (filter.branch !== undefined && run.branch !== filter.branch) continue
      if (filter.sha !== undefined && !run.sha.startsWith(filter.sha)) continue
      out.push(run)
      if (filter.limit !== undefined && out.length >= filter.limit) break
    }
    return out
  }

  /** Resolves with the run once it has finished (at once when it already has). */
  whenFinished(runId: string): Promise<TestRun> {
    const run = this.get(runId)
    if (isFinished(run.status)) return Promise.resolve(run)
    return new Promise((resolve) => {
      const list = this.waiters.get(runId) ?? []
      list.push(resolve)
      this.waiters.set(runId, list)
    })
  }
}

/** The test state of every branch: its tip run, its merge-result run and recent history. */
export function branchStatesOf(
  refs: readonly BranchRef[],
  records: RunRecords,
  mainSha: string | null,
  isMain: (branch: string) => boolean
): BranchTestState[] {
  const all = records.list()
  return refs.map((ref) => {
    const tip = records.latest(keyOf('tip', ref.sha, null))
    const merge = isMain(ref.name)
      ? null
      : (records.latest(keyOf('merge', ref.sha, mainSha)) ??
        all.find((r) => r.kind === 'merge' && r.sha === ref.sha) ??
        null)
    const history = all
      .filter((r) => r.branch === ref.name || r.id === tip?.id || r.id === merge?.id)
      .slice(0, BRANCH_HISTORY)
    return { branch: ref.name, sha: ref.sha, tip, merge, history }
  })
}
