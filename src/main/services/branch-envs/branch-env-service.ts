import { randomBytes } from 'node:crypto'
import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type {
  BranchEnv,
  BranchEnvLeftover,
  BranchEnvState,
  BranchEnvTarget
} from '../../../shared/branch-env-models'
import type { BranchEnvironmentsConfig } from '../../../shared/config-schema'
import type { LogQuery, LogSearchResult } from '../../../shared/log-search'
import { ExpectedError } from '../errors'
import { pruneWorktrees, readBranchRefs } from '../git'
import type { ErrorLog } from '../log'
import { PRIVATE_DIR } from '../private-files'
import {
  readLogSlice,
  RunLog,
  searchLogFile,
  SetupCache,
  signalGroup,
  WorktreePool,
  type LogChunk,
  type Worktree
} from '../test-runs'
import { explainingLines } from './failure-lines'
import { appUrlFor } from './health-wait'
import { launch } from './launch'
import { freePort, portIsFree } from './ports'
import { resolveTarget } from './resolve-target'
import { GroupStateFile, groupMembers, processStart, type GroupRecord } from './state-file'

/** What the service tells its host (the handlers turn these into `branchEnvs.*` events). */
export type BranchEnvServiceEvent =
  | { readonly kind: 'changed'; readonly env: BranchEnv }
  | { readonly kind: 'log'; readonly id: string; readonly chunk: LogChunk }
  | { readonly kind: 'leftovers'; readonly leftovers: readonly BranchEnvLeftover[] }

/** What a {@link BranchEnvService} is made from. */
export interface BranchEnvServiceOptions {
  readonly workspacePath: string
  readonly dataDir: string
  /** `branchEnvironments` of slipway.yml, or undefined when the workspace has none. */
  readonly config: BranchEnvironmentsConfig | undefined
  readonly onEvent: (event: BranchEnvServiceEvent) => void
  readonly log: ErrorLog
  /** The release an environment's hosts serve and its commit ("Run what staging runs"). */
  readonly environmentCommit: (environment: string) => Promise<{ release: string; sha: string }>
}

/** How long a stopping group gets between SIGTERM and SIGKILL when leftovers are cleaned. */
const LEFTOVER_GRACE_MS = 3_000

interface Entry {
  env: BranchEnv
  readonly key: string
  readonly log: RunLog
  readonly logPath: string
  controller: AbortController
  /** Settles when everything this start ran has ended and its worktree was given back. */
  done: Promise<void>
  userStopped: boolean
}

/**
 * Branch environments of one open workspace: any branch (or what an environment runs) started
 * from its own worktree under the data folder, never the user's checkout. Several run at once.
 * Every process group is written to `branch-envs.json` as it starts, so a Slipway killed
 * without stopping them is followed by one that finds them ({@link leftovers}).
 */
export class BranchEnvService {
  private readonly entries = new Map<string, Entry>()
  private readonly pool: WorktreePool
  private readonly cache: SetupCache
  private readonly state: GroupStateFile
  private readonly root: string
  private readonly self = { pid: process.pid, start: processStart(process.pid) ?? 0 }
  private found: { record: GroupRecord; leftover: BranchEnvLeftover }[] = []
  private stopped = false

  constructor(private readonly options: BranchEnvServiceOptions) {
    this.root = join(options.dataDir, 'branch-envs')
    this.pool = new WorktreePool(options.workspacePath, join(this.root, 'worktrees'))
    this.cache = new SetupCache(join(options.dataDir, 'setup-cache'))
    this.state = new GroupStateFile(join(options.dataDir, 'branch-envs.json'))
  }

  /**
   * Reads the state file: live groups of Slipway processes that are gone are offered as
   * leftovers (their worktrees kept until cleaned); otherwise old worktrees are removed.
   */
  async start(): Promise<void> {
    await mkdir(join(this.root, 'logs'), { recursive: true, mode: PRIVATE_DIR })
    this.found = await this.state.leftovers()
    if (this.found.length > 0) {
      this.options.onEvent({ kind: 'leftovers', leftovers: this.found.map((f) => f.leftover) })
    } else {
      await this.forgetDeadRecords()
      await this.pool.prepare()
    }
  }

  /** Every environment, newest first. */
  list(): BranchEnv[] {
    return [...this.entries.values()].map((e) => e.env).reverse()
  }

  /** Starts a branch's tip or an environment's release; one already active is answered as it is. */
  async startEnv(request: {
    branch?: string
    environment?: string
    port?: number
  }): Promise<BranchEnv> {
    const config = this.requireConfig()
    const { target, sha, label } = await this.resolve(request)
    const key = target.kind === 'branch' ? `branch:${target.branch}` : `env:${target.environment}`
    const existing = [...this.entries.values()].find((e) => e.key === key)
    if (existing && active(existing.env.state)) return existing.env
    if (existing) this.entries.delete(existing.env.id)
    const port = request.port ?? (await freePort())
    if (request.port !== undefined && !(await portIsFree(request.port))) {
      throw new ExpectedError('conflict', `port ${request.port} is in use on 127.0.0.1`, {
        port: request.port
      })
    }
    const id = randomBytes(6).toString('hex')
    const logPath = join(this.root, 'logs', `${id}.log`)
    const log = new RunLog(logPath, (chunk) => {
      this.options.onEvent({ kind: 'log', id, chunk })
      const entry = this.entries.get(id)
      if (entry) this.set(entry, { logBytes: chunk.offset + chunk.bytes })
    })
    const entry: Entry = {
      key,
      log,
      logPath,
      controller: new AbortController(),
      done: Promise.resolve(),
      userStopped: false,
      env: {
        id,
        target,
        label,
        sha,
        newerSha: null,
        port,
        url: appUrlFor(config.healthUrl, port),
        state: { kind: 'starting', step: 'checkout' },
        startedAt: new Date().toISOString(),
        logBytes: 0
      }
    }
    this.entries.set(id, entry)
    this.begin(entry, config)
    return entry.env
  }

  /** Stops one environment and waits until all its processes have ended. */
  async stop(id: string, reason = 'stopped'): Promise<BranchEnv> {
    const entry = this.get(id)
    if (active(entry.env.state)) {
      entry.userStopped = true
      this.set(entry, { state: { kind: 'stopping' } })
      entry.controller.abort()
      await entry.done
      this.set(entry, { state: { kind: 'stopped', reason } })
    }
    return entry.env
  }

  /** Stops and starts again at the same commit and port. */
  async restart(id: string): Promise<BranchEnv> {
    const entry = this.get(id)
    await this.stop(id, 'restarting')
    entry.log.note(`restarting at ${entry.env.sha.slice(0, 8)}`)
    return this.relaunch(entry)
  }

  /** Restarts a branch's environment on the branch's current tip. */
  async update(id: string): Promise<BranchEnv> {
    const entry = this.get(id)
    const { target } = entry.env
    if (target.kind !== 'branch') {
      throw new ExpectedError('bad-request', 'only a branch environment follows new commits')
    }
    const { sha: tip } = await resolveTarget(
      this.options.workspacePath,
      this.options.environmentCommit,
      { branch: target.branch }
    )
    await this.stop(id, 'updating')
    entry.log.note(`updating ${entry.env.sha.slice(0, 8)} → ${tip.slice(0, 8)}`)
    this.set(entry, { sha: tip, newerSha: null })
    return this.relaunch(entry)
  }

  /** A window of one environment's log. */
  async readLog(
    id: string,
    offset: number,
    length: number
  ): Promise<{ text: string; totalBytes: number }> {
    return readLogSlice(this.get(id).logPath, offset, length)
  }

  /** Searches one environment's whole log (not only what a viewer holds). */
  async searchLog(id: string, query: LogQuery): Promise<LogSearchResult> {
    return searchLogFile(this.get(id).logPath, query)
  }

  /** Live groups left by Slipway processes that are gone (read again now). */
  async leftovers(): Promise<BranchEnvLeftover[]> {
    this.found = await this.state.leftovers()
    return this.found.map((f) => f.leftover)
  }

  /** Ends the leftovers' groups (SIGTERM, then SIGKILL), forgets them, removes their worktrees. */
  async cleanLeftovers(): Promise<number> {
    const found = await this.state.leftovers()
    for (const { record } of found) signalGroup(record.pgid, 'SIGTERM')
    const deadline = Date.now() + LEFTOVER_GRACE_MS
    while (found.some((f) => groupMembers(f.record).length > 0) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50))
    }
    for (const { record } of found) signalGroup(record.pgid, 'SIGKILL')
    await this.forgetDeadRecords()
    await this.pool.prepare()
    this.found = []
    this.options.onEvent({ kind: 'leftovers', leftovers: [] })
    return found.length
  }

  /** Marks branch environments whose branch moved (Update then restarts on the new tip). */
  async refsMoved(): Promise<void> {
    const branches = [...this.entries.values()].filter(
      (e) => e.env.target.kind === 'branch' && active(e.env.state)
    )
    if (branches.length === 0) return
    const refs = await readBranchRefs(this.options.workspacePath)
    for (const entry of branches) {
      const { target } = entry.env
      if (target.kind !== 'branch') continue
      const tip = refs.find((r) => r.name === target.branch)?.sha ?? null
      const newer = tip && tip !== entry.env.sha ? tip : null
      if (newer !== entry.env.newerSha) this.set(entry, { newerSha: newer })
    }
  }

  /**
   * Stops every environment (the workspace closes, the app quits, serve ends): SIGTERM goes to
   * every group at once, before this returns its promise; resolves when all have ended.
   */
  async stopAll(): Promise<void> {
    this.stopped = true
    const all = [...this.entries.values()]
    await Promise.all(all.map((e) => this.stop(e.env.id, 'Slipway stopped')))
    await Promise.all(all.map((e) => e.log.close()))
    await this.pool.removeAll()
  }

  private relaunch(entry: Entry): BranchEnv {
    const config = this.requireConfig()
    entry.controller = new AbortController()
    entry.userStopped = false
    this.set(entry, {
      state: { kind: 'starting', step: 'checkout' },
      startedAt: new Date().toISOString()
    })
    this.begin(entry, config)
    return entry.env
  }

  // Runs one start in the background; `entry.done` settles when all of it has ended.
  private begin(entry: Entry, config: BranchEnvironmentsConfig): void {
    const { signal } = entry.controller
    const { sha, port, label, target } = entry.env
    entry.done = (async () => {
      let worktree: Worktree | null = null
      try {
        entry.log.note(`checking out ${sha.slice(0, 8)} in its own worktree`)
        worktree = await this.pool.acquire(sha, Boolean(config.setup))
        if (signal.aborted) return
        const result = await launch({
          config,
          repo: this.options.workspacePath,
          dataDir: this.options.dataDir,
          worktree: worktree.path,
          sha,
          branch: target.kind === 'branch' ? target.branch : '',
          port,
          log: entry.log,
          cache: this.cache,
          signal,
          onStep: (step) => this.set(entry, { state: { kind: 'starting', step } }),
          onGroup: (pgid) => void this.record(label, port, pgid, worktree?.path ?? ''),
          onGroupEnd: (pgid) => this.state.update((rs) => rs.filter((r) => !this.isMine(r, pgid)))
        })
        if (result.kind === 'aborted') return
        if (result.kind === 'failed') {
          await this.fail(entry, result.summary, result.exitCode)
          return
        }
        this.set(entry, { state: { kind: 'running', healthyAt: new Date().toISOString() } })
        const end = await result.ended
        if (entry.userStopped) return
        const code = end.kind === 'exited' ? end.exitCode : null
        const how = end.kind === 'exited' ? `exited with code ${end.exitCode}` : 'was killed'
        await this.fail(entry, `the app ${how}`, code)
      } catch (err) {
        const message = err instanceof Error ? err.message.split('\n')[0] : String(err)
        entry.log.note(`error: ${message}`)
        if (!(err instanceof ExpectedError)) this.options.log(`branch environment ${label}`, err)
        await this.fail(entry, message ?? 'error', null)
      } finally {
        if (worktree) this.pool.release(worktree)
      }
    })()
  }

  private async fail(entry: Entry, summary: string, exitCode: number | null): Promise<void> {
    entry.log.note(`failed: ${summary}`)
    await entry.log.flushed()
    const { text } = await readLogSlice(entry.logPath, Math.max(0, entry.log.size - 65536), 65536)
    this.set(entry, {
      state: { kind: 'failed', summary, exitCode, lines: explainingLines(text) }
    })
  }

  private async record(label: string, port: number, pgid: number, worktree: string): Promise<void> {
    const record: GroupRecord = {
      label,
      port,
      pgid,
      leaderStart: processStart(pgid) ?? 0,
      owner: this.self.pid,
      ownerStart: this.self.start,
      worktree
    }
    await this.state.update((rs) => [...rs.filter((r) => !this.isMine(r, pgid)), record])
  }

  private isMine(record: GroupRecord, pgid: number): boolean {
    return record.pgid === pgid && record.owner === this.self.pid
  }

  // Drops records of gone Slipway processes whose groups have ended (their worktrees go with prepare).
  private async forgetDeadRecords(): Promise<void> {
    const live = new Set((await this.state.leftovers()).map((f) => f.record.pgid))
    await this.state.update((rs) =>
      rs.filter((r) => (r.owner === this.self.pid ? true : live.has(r.pgid)))
    )
    for (const { record } of this.found) {
      if (record.worktree) await rm(record.worktree, { recursive: true, force: true })
    }
    await pruneWorktrees(this.options.workspacePath)
  }

  private async resolve(request: {
    branch?: string
    environment?: string
  }): Promise<{ target: BranchEnvTarget; sha: string; label: string }> {
    if (this.stopped) throw new ExpectedError('conflict', 'Slipway is stopping')
    return resolveTarget(this.options.workspacePath, this.options.environmentCommit, request)
  }

  private requireConfig(): BranchEnvironmentsConfig {
    if (!this.options.config) {
      throw new ExpectedError(
        'bad-config',
        'slipway.yml has no branchEnvironments, so Slipway does not know how to run a branch. Add for example "branchEnvironments: { run: npm start, healthUrl: \'http://127.0.0.1:{port}/health\' }".'
      )
    }
    return this.options.config
  }

  private get(id: string): Entry {
    const entry = this.entries.get(id)
    if (!entry) throw new ExpectedError('not-found', `no branch environment ${id}`, { id })
    return entry
  }

  private set(entry: Entry, change: Partial<BranchEnv>): void {
    entry.env = {
      ...entry.env,
      ...change,
      logBytes: Math.max(entry.env.logBytes, change.logBytes ?? 0)
    }
    this.options.onEvent({ kind: 'changed', env: entry.env })
  }
}

function active(state: BranchEnvState): boolean {
  return state.kind === 'starting' || state.kind === 'running' || state.kind === 'stopping'
}
