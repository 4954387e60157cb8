import { rm } from 'node:fs/promises'
import { plural } from '../../../shared/plural'
import { isFinished, type TestRun } from '../../../shared/test-models'
import type { ErrorLog } from '../log'
import type { ResultsStore } from './results-store'

/** What {@link restoreRuns} needs besides the store. */
export interface RestoreOptions {
  /** How many runs (and their logs) are kept; the oldest go. */
  readonly keep: number
  readonly now: () => Date
  readonly log: ErrorLog
  readonly logPath: (runId: string) => string
}

/**
 * The stored runs the test service starts with, oldest first: the newest `keep` of them, a run
 * that was not finished when Slipway stopped marked `error` (and written back). The results
 * file is compacted (and the dropped runs' logs removed) when runs were dropped or it holds
 * many superseded records.
 */
export async function restoreRuns(
  store: ResultsStore,
  { keep, now, log, logPath }: RestoreOptions
): Promise<TestRun[]> {
  const loaded = await store.load()
  if (loaded.badLines > 0) {
    log(
      `tests: ${plural(loaded.badLines, 'unreadable line')} in ${store.path}` +
        (loaded.truncatedTornLine ? ' (a torn last line was cut off)' : '')
    )
  }
  const dropped = loaded.runs.slice(0, Math.max(0, loaded.runs.length - keep))
  const restored = loaded.runs.slice(dropped.length).map((run): TestRun =>
    isFinished(run.status)
      ? run
      : {
          ...run,
          status: 'error',
          summary: 'interrupted (Slipway stopped)',
          finishedAt: now().toISOString()
        }
  )
  if (dropped.length > 0 || loaded.records > 2 * loaded.runs.length + 100) {
    await store.compact(restored)
    await Promise.all(dropped.map((r) => rm(logPath(r.id), { force: true })))
  } else {
    const interrupted = new Set(loaded.runs.filter((r) => !isFinished(r.status)).map((r) => r.id))
    for (const r of restored) if (interrupted.has(r.id)) await store.append(r)
  }
  return restored
}
