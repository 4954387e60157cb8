import { randomBytes } from 'node:crypto'
import { mkdir, rm } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { join, resolve } from 'node:path'
import type { SlipwayConfig } from '../../../shared/config-schema'
import {
  isFinished,
  type BranchTestState,
  type TestQueue,
  type TestRun,
  type TestRunStatus,
  type TestTargetKind
} from '../../../shared/test-models'
import { ExpectedError } from '../errors'
import type { ErrorLog } from '../log'
import { readBranchRefs, runGit, type BranchRef } from '../git'
import { resolveGitDirs, watchRefs } from '../watch'
import { ResultsStore, RESULTS_FILE } from './results-store'
import { readLogSlice, RunLog } from './run-log'
import { runSteps, type RunOutcome } from './run-steps'
import { SetupCache } from './setup-cache'
import { WorktreePool, type Worktree } from './worktree-pool'
import { PRIVATE_DIR } from '../private-files'
import { plural } from '../../../shared/plural'

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
/** Statuses whose result stands for the commit (reused for the same sha on any branch). */
const REUSABLE: ReadonlySet<TestRunStatus> = new Set(['passed', 'failed', 'timed-out'])
const SHORT = 8

interface Pending {
  readonly id: string
  readonly seq: number
  /** Asked for by a person (not by the watcher): runs even when paused, never superseded. */
  readonly manual: boolean
}

interface Active {
  readonly abort: AbortController
  done: Promise<void>
  /** Why it is being stopped, for the summary. */
  stopReason: string | null
}

const short = (sha: string): string => sha.slice(0, SHORT)
const keyOf = (kind: TestTargetKind, sha: string, mainSha: string | null): string =>
  kind === 'merge' ? `merge:${sha}:${mainSha ?? ''}` : `tip:${sha}`

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
  private readonly runsById = new Map<string, TestRun>()
  private readonly latestByKey = new Map<string, string>()
  private readonly pending: Pending[] = []
  private readonly active = new Map<string, Active>()
  private readonly waiters = new Map<string, Array<(run: TestRun) => void>>()
  private refs: readonly BranchRef[] = []
  private mainSha: string | null = null
  private paused = false
  private focus: string | null = null
  private started = false
  private stopped = false
  private seq = 0
  private unwatch: (() => void)[] = []
  private fetchTimer: NodeJS.Timeout | null = null
  private scanning: Promise<void> | null = null
  private scanAgain = false
  /** While a scan queues many runs at once: one queue event and one dispatch at the end. */
  private batching = false

  constructor(private readonly options: TestServiceOptions) {
    this.repo = resolve(options.workspacePath)
    this.now = options.now ?? (() => new Date())
    this.concurrency =
      options.config.test?.concurrency ?? Math.max(1, Math.floor(availableParallelism() / 2))
    this.store = new ResultsStore(join(options.dataDir, RESULTS_FILE))
    this.pool = new WorktreePool(this.repo, join(options.dataDir, 'worktrees'))
    this.cache = new SetupCache(join(options.dataDir, 'setup-cache'))
    this.logDir = join(options.dataDir, 'logs')
  }

  /** Loads persisted results and starts watching refs (and fetching origin); queues untested tips of all branches (main first). */
  async start(): Promise<void> {
    if (this.started) return
    this.started = true
    await mkdir(this.logDir, { recursive: true, mode: PRIVATE_DIR })
    const loaded = await this.store.load()
    if (loaded.badLines > 0) {
      this.options.log(
        `tests: ${plural(loaded.badLines, 'unreadable line')} in ${this.store.path}` +
          (loaded.truncatedTornLine ? ' (a torn last line was cut off)' : '')
      )
    }
    const keep = this.options.keepRuns ?? MAX_KEPT_RUNS
    const dropped = loaded.runs.slice(0, Math.max(0, loaded.runs.length - keep))
    for (const run of loaded.runs.slice(dropped.length)) {
      const restored: TestRun = isFinished(run.status)
        ? run
        : {
            ...run,
            status: 'error',
            summary: 'interrupted (Slipway stopped)',
            finishedAt: this.now().toISOString()
          }
      this.remember(restored)
    }
    const interrupted = loaded.runs.filter((r) => !isFinished(r.status))
    if (dropped.length > 0 || loaded.records > 2 * loaded.runs.length + 100) {
      await this.store.compact([...this.runsById.values()])
      await Promise.all(dropped.map((r) => rm(this.logPath(r.id), { force: true })))
    } else {
      for (const r of interrupted) await this.store.append(this.mustGet(r.id))
    }
    await this.pool.prepare()
    await this.scan('startup')
    const gitDirs = await resolveGitDirs(this.repo)
    // stop() may have been called while starting: start nothing it would not stop.
    if (this.stopped) return
    for (const dir of gitDirs) this.unwatch.push(watchRefs(dir, () => this.scheduleScan()))
    await this.startFetching()
  }

  /** Cancels running runs (kills their process trees), stops watchers, removes the worktrees. */
  async stop(): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    for (const stop of this.unwatch.splice(0)) stop()
    if (this.fetchTimer) clearInterval(this.fetchTimer)
    this.fetchTimer = null
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
    this.requireCommand()
    const kind = target.kind ?? 'tip'
    const refs = await readBranchRefs(this.repo)
    let sha: string
    let branch: string
    if (target.branch !== undefined) {
      const ref = refs.find((r) => r.name === target.branch)
      if (!ref) {
        throw new ExpectedError('not-found', `no branch named ${target.branch}`, {
          branch: target.branch
        })
      }
      sha = target.sha ? await this.resolveSha(target.sha) : ref.sha
      branch = ref.name
    } else if (target.sha !== undefined) {
      sha = await this.resolveSha(target.sha)
      branch = refs.find((r) => r.sha === sha)?.name ?? ''
    } else {
      throw new ExpectedError('bad-request', 'name a branch or a commit to test')
    }
    let mainSha: string | null = null
    if (kind === 'merge') {
      mainSha = mainTip(refs, this.options.mainBranch)
      if (!mainSha) {
        throw new ExpectedError(
          'not-found',
          `no main branch ${this.options.mainBranch} to merge into`
        )
      }
    }
    return this.enqueue(kind, sha, mainSha, branch, target.reason ?? 'manual', {
      force: target.force ?? false,
      manual: true
    })
  }

  /** Resolves with the run once it has finished (at once when it already has). */
  whenFinished(runId: string): Promise<TestRun> {
    const run = this.run(runId)
    if (isFinished(run.status)) return Promise.resolve(run)
    return new Promise((resolve) => {
      const list = this.waiters.get(runId) ?? []
      list.push(resolve)
      this.waiters.set(runId, list)
    })
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
      running: [...this.active.keys()].map((id) => this.mustGet(id)),
      queued: this.ordered().map((p) => this.mustGet(p.id))
    }
  }

  /** One run; `ExpectedError('not-found')` for an unknown id. */
  run(runId: string): TestRun {
    const run = this.runsById.get(runId)
    if (!run) throw new ExpectedError('not-found', `no test run ${runId}`, { runId })
    return run
  }

  /** Runs, newest first, optionally of one branch or of shas starting with `sha`. */
  runs(filter: { branch?: string; sha?: string; limit?: number } = {}): TestRun[] {
    const out: TestRun[] = []
    const all = [...this.runsById.values()]
    for (let i = all.length - 1; i >= 0; i -= 1) {
      const run = all[i] as TestRun
      if (filter.branch !== undefined && run.branch !== filter.branch) continue
      if (filter.sha !== undefined && !run.sha.startsWith(filter.sha)) continue
      out.push(run)
      if (filter.limit !== undefined && out.length >= filter.limit) break
    }
    return out
  }

  /** The test state of every branch: its tip run, its merge-result run and recent history. */
  branchStates(): BranchTestState[] {
    const all = this.runs()
    return this.refs.map((ref) => {
      const tip = this.latest(keyOf('tip', ref.sha, null))
      const merge = this.isMain(ref.name)
        ? null
        : (this.latest(keyOf('merge', ref.sha, this.mainSha)) ??
          all.find((r) => r.kind === 'merge' && r.sha === ref.sha) ??
          null)
      const history = all
        .filter((r) => r.branch === ref.name || r.id === tip?.id || r.id === merge?.id)
        .slice(0, BRANCH_HISTORY)
      return { branch: ref.name, sha: ref.sha, tip, merge, history }
    })
  }

  /** Reads the stored log: bytes [offset, offset+length) (for a virtualized viewer), plus the total size. */
  async readLog(
    runId: string,
    offset: number,
    length: number
  ): Promise<{ text: string; totalBytes: number }> {
    this.run(runId)
    return readLogSlice(this.logPath(runId), offset, length)
  }

  // ---- queueing -------------------------------------------------------------------------

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
    const order = [...refs].sort((a, b) => this.rank(a.name) - this.rank(b.name))
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
    let changed = false
    for (let i = this.pending.length - 1; i >= 0; i -= 1) {
      const p = this.pending[i] as Pending
      if (p.manual) continue
      const run = this.mustGet(p.id)
      if (wanted.has(keyOf(run.kind, run.sha, run.mainSha))) continue
      const ref = this.refs.find((r) => r.name === run.branch)
      const newer =
        ref && ref.sha !== run.sha ? ref.sha : run.kind === 'merge' ? this.mainSha : null
      this.pending.splice(i, 1)
      this.finishQueued(
        p.id,
        'cancelled',
        newer ? `superseded by ${short(newer)}` : 'superseded (branch deleted)'
      )
      changed = true
    }
    if (changed) this.emitQueue()
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
    const existing = this.latest(key)
    if (existing && !isFinished(existing.status)) return existing
    if (existing && !how.force && REUSABLE.has(existing.status)) return existing
    if (this.stopped) throw new ExpectedError('cancelled', 'the test service is stopped')
    const run: TestRun = {
      id: `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`,
      kind,
      sha,
      mainSha,
      branch,
      status: 'queued',
      reason,
      queuedAt: this.now().toISOString(),
      startedAt: null,
      finishedAt: null,
      durationMs: null,
      exitCode: null,
      summary: 'queued',
      conflicts: [],
      failedTests: [],
      logBytes: 0
    }
    this.pending.push({ id: run.id, seq: this.seq++, manual: how.manual })
    this.update(run)
    if (!this.batching) {
      this.emitQueue()
      this.pump()
    }
    return run
  }

  /**
   * Lower ranks run first: main's tip; what a person asked for or looks at; then a commit just
   * seen (so it is tested within seconds, not after the startup backlog); then other tips;
   * merge results after tips of the same standing.
   */
  private priority(p: Pending): number {
    const run = this.mustGet(p.id)
    const focused = this.focus !== null && run.branch === this.focus
    const fresh = run.reason === 'new-commit'
    if (run.kind === 'tip') {
      if (this.isMain(run.branch) || run.sha === this.mainSha) return 0
      return p.manual || focused ? 1 : fresh ? 3 : 4
    }
    return p.manual || focused ? 2 : fresh ? 5 : 6
  }

  private rank(branch: string): number {
    if (this.isMain(branch)) return 0
    return branch === this.focus ? 1 : 2
  }

  private ordered(): Pending[] {
    return [...this.pending].sort((a, b) => this.priority(a) - this.priority(b) || a.seq - b.seq)
  }

  /** Starts queued runs while there is room under the cap. */
  private pump(): void {
    while (!this.stopped && this.active.size < this.concurrency) {
      const next = this.ordered().find((p) => !this.paused || p.manual)
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

  // ---- running ----------------------------------------------------------------------------

  private async execute(runId: string, entry: Active): Promise<void> {
    const test = this.requireCommand()
    const startedAt = this.now()
    let run: TestRun = {
      ...this.mustGet(runId),
      status: 'running',
      startedAt: startedAt.toISOString(),
      summary: 'running'
    }
    this.update(run)
    this.emitQueue()
    const log = new RunLog(this.logPath(runId), ({ text, offset, bytes }) =>
      this.options.onEvent({ kind: 'log', runId, chunk: text, offset, bytes })
    )
    const deadline = Date.now() + test.timeoutSeconds * 1000
    const signal = entry.abort.signal
    let worktree: Worktree | null = null
    let result: RunOutcome
    try {
      const checkout = run.kind === 'merge' ? (run.mainSha as string) : run.sha
      log.note(`checking out ${short(checkout)} in an isolated worktree`)
      worktree = await this.pool.acquire(checkout, Boolean(test.setup))
      result = await runSteps({
        worktree,
        run,
        log,
        test,
        cache: this.cache,
        deadline,
        signal,
        repo: this.repo,
        dataDir: this.options.dataDir
      })
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e)
      log.note(`error: ${message}`)
      result = {
        status: 'error',
        summary: message.split('\n')[0] ?? 'error',
        exitCode: null,
        conflicts: [],
        failedTests: []
      }
    }
    if (signal.aborted && result.status !== 'timed-out') {
      result = { ...result, status: 'cancelled', summary: entry.stopReason ?? 'cancelled' }
    }
    if (worktree) this.pool.release(worktree)
    log.note(`${result.status}: ${result.summary}`)
    await log.close()
    const finishedAt = this.now()
    run = {
      ...this.mustGet(runId),
      ...result,
      finishedAt: finishedAt.toISOString(),
      durationMs: finishedAt.getTime() - startedAt.getTime(),
      logBytes: log.size
    }
    this.update(run)
  }

  // ---- bookkeeping --------------------------------------------------------------------------

  private finishQueued(runId: string, status: TestRunStatus, summary: string): void {
    const run = this.mustGet(runId)
    this.update({ ...run, status, summary, finishedAt: this.now().toISOString() })
  }

  /** Records a new state of a run: memory, disk, listeners. */
  private update(run: TestRun): void {
    this.remember(run)
    if (isFinished(run.status)) {
      for (const resolve of this.waiters.get(run.id)?.splice(0) ?? []) resolve(run)
      this.waiters.delete(run.id)
    }
    this.store.append(run).catch((e: unknown) => {
      this.options.log(`tests: could not save run ${run.id}`, e)
    })
    this.options.onEvent({ kind: 'run', run })
  }

  private remember(run: TestRun): void {
    this.runsById.set(run.id, run)
    this.latestByKey.set(keyOf(run.kind, run.sha, run.mainSha), run.id)
  }

  private latest(key: string): TestRun | null {
    const id = this.latestByKey.get(key)
    return id ? (this.runsById.get(id) ?? null) : null
  }

  private mustGet(id: string): TestRun {
    return this.run(id)
  }

  private emitQueue(): void {
    this.options.onEvent({ kind: 'queue', queue: this.queue() })
  }

  private isMain(branch: string): boolean {
    const main = this.options.mainBranch
    return branch === main || branch === `origin/${main}`
  }

  private logPath(runId: string): string {
    return join(this.logDir, `${runId}.log`)
  }

  private requireCommand(): NonNullable<SlipwayConfig['test']> {
    const test = this.options.config.test
    if (!test) {
      throw new ExpectedError('bad-config', 'slipway.yml has no test.command; add one to run tests')
    }
    return test
  }

  private async resolveSha(text: string): Promise<string> {
    if (!/^[0-9a-fA-F]{4,64}$/.test(text)) {
      throw new ExpectedError('bad-request', `${text} is not a commit id`, { sha: text })
    }
    const out = await runGit(
      this.repo,
      ['rev-parse', '--verify', '--quiet', '--end-of-options', `${text}^{commit}`],
      { okExitCodes: [0, 1, 128] }
    )
    const sha = out.stdout.trim()
    if (out.exitCode !== 0 || !sha) {
      throw new ExpectedError('not-found', `no commit ${text} in this repository`, { sha: text })
    }
    return sha
  }

  private async startFetching(): Promise<void> {
    const interval = this.options.fetchIntervalMs ?? DEFAULT_FETCH_INTERVAL_MS
    if (interval <= 0 || this.stopped) return
    const remotes = await runGit(this.repo, ['remote'])
    if (!remotes.stdout.split('\n').includes('origin') || this.stopped) return
    this.fetchTimer = setInterval(() => void this.fetchOrigin(), interval)
    this.fetchTimer.unref()
  }

  /** One `git fetch --prune origin`; the ref watcher then sees what moved. Failures wait for the next interval. */
  private async fetchOrigin(): Promise<void> {
    if (this.paused || this.stopped) return
    try {
      await runGit(this.repo, ['fetch', '--prune', '--quiet', 'origin'], { timeoutMs: 120_000 })
    } catch (e) {
      this.options.log('tests: fetching origin failed (will retry)', e)
    }
  }
}

/** Main's tip: the local branch, else origin's. */
function mainTip(refs: readonly BranchRef[], mainBranch: string): string | null {
  return (
    refs.find((r) => r.kind === 'local' && r.name === mainBranch)?.sha ??
    refs.find((r) => r.kind === 'remote' && r.name === `origin/${mainBranch}`)?.sha ??
    null
  )
}
