import { mkdir } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { join, resolve } from 'node:path'
import {
  isFinished,
  type BranchTestState,
  type TestQueue,
  type TestRun,
  type TestRunStatus,
  type TestTargetKind
} from '../../../shared/test-models'
import type { LogQuery, LogSearchResult } from '../../../shared/log-search'
import { fetchTimeoutMs } from '../../../shared/timeouts'
import { ExpectedError } from '../errors'
import { readBranchRefs, type BranchRef } from '../git'
import { PRIVATE_DIR } from '../private-files'
import { resolveGitDirs, watchRefs } from '../watch'
import { OriginFetcher } from './origin-fetch'
import {
  orderPending,
  queuedRun,
  rankOf,
  supersededBy,
  REUSABLE,
  type Active,
  type Pending
} from './queue-order'
import { isMainBranch, mainTip, resolveTarget } from './resolve-commit'
import { ResultsStore, RESULTS_FILE } from './results-store'
import { readLogSlice, RunLog } from './run-log'
import { searchLogFile } from './log-search'
import { branchStatesOf, keyOf, RunRecords } from './run-records'
import { endLeftoversOfGoneSlipways } from './orphans'
import { restoreRuns } from './restore-runs'
import { runInWorktree } from './run-in-worktree'
import { SetupCache } from './setup-cache'
import {
  DEFAULT_FETCH_INTERVAL_MS,
  MAX_KEPT_RUNS,
  testCommandOf,
  type TestRequest,
  type TestServiceOptions
} from './test-service-options'
import { WorktreePool } from './worktree-pool'

/**
 * Continually tests every branch: runs the workspace's `test.command` at exact commits in
 * isolated worktrees, with a bounded, prioritized queue (main, then the focused branch, then
 * the rest; tips before merge results), merge-result checks, results persisted per sha, and a
 * ref watcher (plus an origin fetch) that queues every new tip by itself.
 */
export class TestService {
  /** The concurrency cap: `test.concurrency`, else half the cores (at least 1). */
  readonly concurrency: number
  private readonly repo: string
  private readonly now: () => Date
  private readonly store: ResultsStore
  private readonly pool: WorktreePool
  private readonly cache: SetupCache
  private readonly logDir: string
  private readonly isMain: (branch: string) => boolean
  private readonly records = new RunRecords()
  private readonly pending: Pending[] = []
  private readonly order = {
    focus: (): string | null => this.focus,
    mainSha: (): string | null => this.mainSha,
    isMain: (branch: string): boolean => this.isMain(branch),
    run: (id: string): TestRun => this.records.get(id)
  }
  private readonly active = new Map<string, Active>()
  private refs: readonly BranchRef[] = []
  private mainSha: string | null = null
  private paused = false
  private focus: string | null = null
  private started = false
  private stopped = false
  private seq = 0
  private unwatch: (() => void)[] = []
  private readonly fetcher: OriginFetcher
  private scanning: Promise<void> | null = null
  private scanAgain = false
  /** While a scan queues many runs at once: one queue event and one dispatch at the end. */
  private batching = false

  constructor(private readonly options: TestServiceOptions) {
    this.repo = resolve(options.workspacePath)
    this.isMain = isMainBranch(options.mainBranch)
    this.now = options.now ?? (() => new Date())
    this.concurrency =
      options.config.test?.concurrency ?? Math.max(1, Math.floor(availableParallelism() / 2))
    this.store = new ResultsStore(join(options.dataDir, RESULTS_FILE))
    this.pool = new WorktreePool(this.repo, join(options.dataDir, 'worktrees'))
    this.cache = new SetupCache(join(options.dataDir, 'setup-cache'))
    this.logDir = join(options.dataDir, 'logs')
    this.fetcher = new OriginFetcher(
      this.repo,
      options.fetchIntervalMs ?? DEFAULT_FETCH_INTERVAL_MS,
      () => this.paused,
      options.log,
      fetchTimeoutMs(options.config)
    )
  }

  /** Loads persisted results and starts watching refs (and fetching origin); queues untested tips of all branches (main first). */
  async start(): Promise<void> {
    if (this.started) return
    this.started = true
    await mkdir(this.logDir, { recursive: true, mode: PRIVATE_DIR })
    const restored = await restoreRuns(this.store, {
      keep: this.options.keepRuns ?? MAX_KEPT_RUNS,
      now: this.now,
      log: this.options.log,
      logPath: (id) => this.logPath(id)
    })
    for (const run of restored) this.records.remember(run)
    await endLeftoversOfGoneSlipways(this.options.dataDir, this.options.log)
    await this.pool.prepare()
    await this.scan('startup')
    const gitDirs = await resolveGitDirs(this.repo)
    // stop() may have been called while starting: start nothing it would not stop.
    if (this.stopped) return
    for (const dir of gitDirs) this.unwatch.push(watchRefs(dir, () => this.scheduleScan()))
    await this.fetcher.start()
  }

  /** Cancels running runs (kills their process trees), stops watchers, removes the worktrees. */
  async stop(): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    for (const stop of this.unwatch.splice(0)) stop()
    this.fetcher.stop()
    for (const p of this.pending.splice(0)) {
      this.finishQueued(p.id, 'cancelled', 'cancelled (Slipway stopped)')
    }
    const running = [...this.active.values()]
    for (const a of running) {
      a.stopReason = 'cancelled (Slipway stopped)'
      a.abort.abort()
    }
    await Promise.all(running.map((a) => a.done))
    await this.scanning?.catch(() => {})
    await this.pool.removeAll()
    await this.cache.settle()
    await this.store.flush()
  }

  /** Queue a run of a branch tip (or a sha); reuses a finished result for the same sha unless force. */
  async request(target: TestRequest): Promise<TestRun> {
    testCommandOf(this.options.config)
    const { kind, sha, mainSha, branch } = await resolveTarget(
      this.repo,
      target,
      this.options.mainBranch
    )
    return this.enqueue(kind, sha, mainSha, branch, target.reason ?? 'manual', {
      force: target.force ?? false,
      manual: true
    })
  }

  /** Resolves with the run once it has finished (at once when it already has). */
  whenFinished(runId: string): Promise<TestRun> {
    return this.records.whenFinished(runId)
  }

  /** Cancels a queued or running run; a finished one is left as it is. */
  async cancel(runId: string): Promise<void> {
    const run = this.run(runId)
    const at = this.pending.findIndex((p) => p.id === runId)
    if (at >= 0) {
      this.pending.splice(at, 1)
      this.finishQueued(runId, 'cancelled', 'cancelled')
      this.emitQueue()
      return
    }
    const active = this.active.get(run.id)
    if (active) {
      active.stopReason ??= 'cancelled'
      active.abort.abort()
      await active.done
    }
  }

  /** Cancels every queued and running run. */
  async cancelAll(): Promise<void> {
    for (const p of this.pending.splice(0)) this.finishQueued(p.id, 'cancelled', 'cancelled')
    this.emitQueue()
    const running = [...this.active.values()]
    for (const a of running) {
      a.stopReason ??= 'cancelled'
      a.abort.abort()
    }
    await Promise.all(running.map((a) => a.done))
  }

  /** Pauses (or resumes) continual testing: no new tips are queued and queued automatic runs wait. */
  setPaused(paused: boolean): void {
    if (this.paused === paused) return
    this.paused = paused
    this.emitQueue()
    if (!paused) this.scheduleScan()
  }

  /** The branch the user is looking at runs first (after main). */
  setFocus(branch: string | null): void {
    this.focus = branch
  }

  /** The queue as the board shows it (queued in the order they will start). */
  queue(): TestQueue {
    return {
      paused: this.paused,
      concurrency: this.concurrency,
      running: [...this.active.keys()].map((id) => this.records.get(id)),
      queued: orderPending(this.pending, this.order).map((p) => this.records.get(p.id))
    }
  }

  /** One run; `ExpectedError('not-found')` for an unknown id. */
  run(runId: string): TestRun {
    return this.records.get(runId)
  }

  /** Runs, newest first, optionally of one branch or of shas starting with `sha`. */
  runs(filter: { branch?: string; sha?: string; limit?: number } = {}): TestRun[] {
    return this.records.list(filter)
  }

  /** The test state of every branch: its tip run, its merge-result run and recent history. */
  branchStates(): BranchTestState[] {
    return branchStatesOf(this.refs, this.records, this.mainSha, (b) => this.isMain(b))
  }

  /** Reads the stored log: bytes [offset, offset+length) (for a virtualized viewer), plus the total size. */
  async readLog(runId: string, offset: number, length: number): ReturnType<typeof readLogSlice> {
    this.run(runId)
    return readLogSlice(this.logPath(runId), offset, length)
  }

  /** Searches a run's whole stored log (not only what a viewer holds). */
  async searchLog(runId: string, query: LogQuery): Promise<LogSearchResult> {
    this.run(runId)
    return searchLogFile(this.logPath(runId), query)
  }

  /** Re-reads the branch tips and queues what is untested; one scan at a time, none lost. */
  private scheduleScan(): void {
    if (this.stopped) return
    if (this.scanning) {
      this.scanAgain = true
      return
    }
    this.scanning = this.scan('new-commit')
      .catch((e: unknown) => this.options.log('tests: could not read the branches', e))
      .finally(() => {
        this.scanning = null
        if (this.scanAgain) {
          this.scanAgain = false
          this.scheduleScan()
        }
      })
  }

  private async scan(reason: string): Promise<void> {
    const refs = await readBranchRefs(this.repo)
    if (this.stopped) return
    this.refs = refs
    this.mainSha = mainTip(refs, this.options.mainBranch)
    if (!this.options.config.test || this.paused) return
    const wanted = new Set<string>()
    const order = [...refs].sort((a, b) => rankOf(a.name, this.order) - rankOf(b.name, this.order))
    for (const ref of order) {
      wanted.add(keyOf('tip', ref.sha, null))
      this.enqueue('tip', ref.sha, null, ref.name, reason, { force: false, manual: false })
    }
    for (const ref of order) {
      if (this.isMain(ref.name) || !this.mainSha || ref.sha === this.mainSha) continue
      wanted.add(keyOf('merge', ref.sha, this.mainSha))
      this.enqueue('merge', ref.sha, this.mainSha, ref.name, reason, {
        force: false,
        manual: false
      })
    }
    this.supersede(wanted)
  }

  /** Cancels queued automatic runs that no branch tip wants any more (a newer commit came). */
  private supersede(wanted: ReadonlySet<string>): void {
    const gone = supersededBy(this.pending, wanted, this.refs, this.order)
    for (const { id, summary } of gone) {
      this.pending.splice(
        this.pending.findIndex((p) => p.id === id),
        1
      )
      this.finishQueued(id, 'cancelled', summary)
    }
    if (gone.length > 0) this.emitQueue()
  }

  private enqueue(
    kind: TestTargetKind,
    sha: string,
    mainSha: string | null,
    branch: string,
    reason: string,
    how: { force: boolean; manual: boolean }
  ): TestRun {
    const key = keyOf(kind, sha, mainSha)
    const existing = this.records.latest(key)
    if (existing && !isFinished(existing.status)) return existing
    if (existing && !how.force && REUSABLE.has(existing.status)) return existing
    if (this.stopped) throw new ExpectedError('cancelled', 'the test service is stopped')
    const run = queuedRun({ kind, sha, mainSha, branch, reason }, this.now())
    this.pending.push({ id: run.id, seq: this.seq++, manual: how.manual })
    this.update(run)
    if (!this.batching) {
      this.emitQueue()
      this.pump()
    }
    return run
  }

  /** Starts queued runs while there is room under the cap. */
  private pump(): void {
    while (!this.stopped && this.active.size < this.concurrency) {
      const next = orderPending(this.pending, this.order).find((p) => !this.paused || p.manual)
      if (!next) return
      this.pending.splice(this.pending.indexOf(next), 1)
      const abort = new AbortController()
      const entry: Active = { abort, stopReason: null, done: Promise.resolve() }
      this.active.set(next.id, entry)
      entry.done = this.execute(next.id, entry)
        .catch((e: unknown) => this.options.log('tests: a run failed unexpectedly', e))
        .finally(() => {
          this.active.delete(next.id)
          this.emitQueue()
          this.pump()
        })
    }
  }

  private async execute(runId: string, entry: Active): Promise<void> {
    const test = testCommandOf(this.options.config)
    const startedAt = this.now()
    let run: TestRun = {
      ...this.records.get(runId),
      status: 'running',
      startedAt: startedAt.toISOString(),
      summary: 'running'
    }
    this.update(run)
    this.emitQueue()
    const log = new RunLog(this.logPath(runId), ({ text, offset, bytes }) =>
      this.options.onEvent({ kind: 'log', runId, chunk: text, offset, bytes })
    )
    const result = await runInWorktree({
      run,
      test,
      log,
      pool: this.pool,
      cache: this.cache,
      signal: entry.abort.signal,
      stopReason: () => entry.stopReason,
      repo: this.repo,
      dataDir: this.options.dataDir
    })
    const finishedAt = this.now()
    run = {
      ...this.records.get(runId),
      ...result,
      finishedAt: finishedAt.toISOString(),
      durationMs: finishedAt.getTime() - startedAt.getTime(),
      logBytes: log.size
    }
    this.update(run)
  }

  private finishQueued(runId: string, status: TestRunStatus, summary: string): void {
    const run = this.records.get(runId)
    this.update({ ...run, status, summary, finishedAt: this.now().toISOString() })
  }

  /** Records a new state of a run: memory, disk, listeners. */
  private update(run: TestRun): void {
    this.records.remember(run)
    this.store.append(run).catch((e: unknown) => {
      this.options.log(`tests: could not save run ${run.id}`, e)
    })
    this.options.onEvent({ kind: 'run', run })
  }

  private emitQueue(): void {
    this.options.onEvent({ kind: 'queue', queue: this.queue() })
  }

  private logPath(runId: string): string {
    return join(this.logDir, `${runId}.log`)
  }
}
