import { randomUUID } from 'node:crypto'
import type { EnvironmentConfig } from '../../../shared/config-schema'
import type { MergeDeploy, MergeRelease } from '../../../shared/contract-merge-release'
import type { Deployment, EnvironmentStatus, Release } from '../../../shared/deploy-models'
import type { Workspace } from '../../../shared/models'
import type { ErrorLog } from '../log'
import { resolveGitDirs, watchRefs } from '../watch'
import { commitSubject, describeMove, readMainTip, releaseCommitPrefix } from './main-moves'
import { KEPT_MERGE_RELEASES, readMergeReleases, writeMergeReleases } from './merge-release-store'

/** What the merge pipeline uses of the release and deploy domain. */
export interface ReleasePipeline {
  /** Builds a release from `commit` (after any build already running); `onStep` gets its output. */
  buildRelease(commit: string, onStep: (line: string) => void): Promise<Release>
  /**
   * Deploys `release` to `environment` and resolves with the final deployment; `onStarted`
   * gets the deployment as soon as it exists (its progress is pushed by the deploy domain).
   */
  deploy(
    release: string,
    environment: string,
    reason: string,
    onStarted: (deployment: Deployment) => void
  ): Promise<Deployment>
  /** Reads what an environment runs now. */
  status(environment: string): Promise<EnvironmentStatus>
  /** Marks `release` bad for `environment`, with the reason, on this machine. */
  markBad(environment: string, release: string, reason: string): Promise<void>
}

/** What a {@link MergeReleaseService} is built from. */
export interface MergeReleaseOptions {
  readonly workspace: Workspace
  /** The workspace's data folder; the merge releases are kept there. */
  readonly dataDir: Promise<string>
  readonly pipeline: ReleasePipeline
  /** Every change of a merge release (pushed to the clients as `mergeReleases.changed`). */
  readonly onChange: (mergeRelease: MergeRelease) => void
  readonly log: ErrorLog
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err))

/**
 * Merge and release for one open workspace: when main moves forward by a merge (seen by the
 * ref watcher, or reported by a pull-request merge), the new main commit is built once into a
 * release and deployed to every environment with `deployOn: merge`. One merge is handled at a
 * time, in the order they came; each is recorded with its outcome per environment, and a
 * release whose deploy failed is marked bad there with the reason.
 */
export class MergeReleaseService {
  private records: MergeRelease[] = []
  private loaded: Promise<void> | null = null
  private chain: Promise<unknown> = Promise.resolve()
  private readonly handled = new Set<string>()
  /** Merge releases queued or under way → their end. */
  private readonly running = new Map<string, Promise<MergeRelease>>()
  private lastTip: string | null = null
  private unwatch: Array<() => void> = []
  private watching: Promise<void> | null = null
  private stopped = false
  private checking: Promise<void> = Promise.resolve()
  private writing: Promise<void> = Promise.resolve()
  private writeQueued = false

  constructor(private readonly options: MergeReleaseOptions) {}

  /** The environments deployed on merge. */
  private mergeEnvironments(): readonly EnvironmentConfig[] {
    return this.options.workspace.config.environments.filter((e) => e.deployOn === 'merge')
  }

  private load(): Promise<void> {
    this.loaded ??= this.options.dataDir
      .then((dir) => readMergeReleases(dir))
      .then(
        (stored) => {
          this.records = [...this.records, ...stored].slice(0, KEPT_MERGE_RELEASES)
          for (const r of stored) this.handled.add(r.commit)
        },
        (err: unknown) => this.options.log('could not read the merge releases', err)
      )
    return this.loaded
  }

  /** Merge releases, newest first. */
  async list(): Promise<MergeRelease[]> {
    await this.load()
    return [...this.records]
  }

  /**
   * Starts watching main: from now on, main moving forward to a merge commit starts a merge
   * release. The tip main has now is the baseline (what was merged before is not redeployed).
   */
  watch(): Promise<void> {
    this.watching ??= (async () => {
      await this.load()
      const { path, mainBranch } = this.options.workspace
      this.lastTip = await readMainTip(path, mainBranch)
      const dirs = await resolveGitDirs(path)
      if (this.stopped) return
      for (const dir of dirs) this.unwatch.push(watchRefs(dir, () => this.refsMoved()))
    })()
    return this.watching
  }

  /** Stops watching; merge releases under way go on to their end (they hold host locks). */
  stop(): void {
    this.stopped = true
    for (const stop of this.unwatch.splice(0)) stop()
  }

  /**
   * Releases the main commit `commit` that a pull request was just merged into (a squash
   * merge is not a merge commit, so the watcher alone would not know it). Resolves when the
   * merge release ended; a commit already released is not released again.
   */
  async afterMerge(commit: string): Promise<MergeRelease> {
    await this.load()
    const subject = await commitSubject(this.options.workspace.path, commit)
    const existing = this.records.find((r) => r.commit === commit)
    if (existing) return this.running.get(existing.id) ?? existing
    return this.enqueue(commit, subject, 'pull-request')
  }

  private refsMoved(): void {
    // Checks run one after another, so two quick moves are compared in order.
    this.checking = this.checking
      .then(() => this.checkMain())
      .catch((err: unknown) => this.options.log('checking main for a merge failed', err))
  }

  private async checkMain(): Promise<void> {
    if (this.stopped) return
    const { path, mainBranch } = this.options.workspace
    const tip = await readMainTip(path, mainBranch)
    const before = this.lastTip
    if (tip === null || tip === before) return
    this.lastTip = tip
    if (before === null || this.handled.has(tip)) return
    const move = await describeMove(path, before, tip)
    // A pull-request merge may have reported this commit meanwhile.
    if (!move.forward || !move.merge || this.handled.has(tip)) return
    void this.enqueue(tip, move.subject, 'main-moved').catch((err: unknown) =>
      this.options.log(`the merge release of ${tip} failed unexpectedly`, err)
    )
  }

  private enqueue(
    commit: string,
    subject: string,
    trigger: MergeRelease['trigger']
  ): Promise<MergeRelease> {
    this.handled.add(commit)
    const record: MergeRelease = {
      id: randomUUID(),
      commit,
      subject,
      trigger,
      state: 'queued',
      release: null,
      step: null,
      reason: null,
      environments: this.mergeEnvironments().map((e) => ({
        environment: e.name,
        state: 'waiting',
        deployment: null,
        reason: null
      })),
      startedAt: new Date().toISOString(),
      finishedAt: null
    }
    this.update(record)
    const run = this.chain.then(() => this.run(record.id))
    this.running.set(record.id, run)
    this.chain = run.catch(() => undefined).finally(() => this.running.delete(record.id))
    return run
  }

  private get(id: string): MergeRelease {
    const found = this.records.find((r) => r.id === id)
    if (!found) throw new Error(`merge release ${id} vanished`)
    return found
  }

  private update(next: MergeRelease, persist = true): MergeRelease {
    this.records = [next, ...this.records.filter((r) => r.id !== next.id)].slice(
      0,
      KEPT_MERGE_RELEASES
    )
    this.options.onChange(next)
    if (persist) void this.persist()
    return next
  }

  private patch(id: string, change: Partial<MergeRelease>, persist = true): MergeRelease {
    return this.update({ ...this.get(id), ...change }, persist)
  }

  private patchEnv(id: string, environment: string, change: Partial<MergeDeploy>): MergeRelease {
    const current = this.get(id)
    return this.update({
      ...current,
      environments: current.environments.map((e) =>
        e.environment === environment ? { ...e, ...change } : e
      )
    })
  }

  /** Writes the records; writes queue behind each other and only the newest list is written. */
  private persist(): Promise<void> {
    if (this.writeQueued) return this.writing
    this.writeQueued = true
    this.writing = this.writing.then(async () => {
      this.writeQueued = false
      try {
        await writeMergeReleases(await this.options.dataDir, this.records)
      } catch (err) {
        this.options.log('could not save the merge releases', err)
      }
    })
    return this.writing
  }

  /** Builds the release, then deploys it to every merge environment in parallel. */
  private async run(id: string): Promise<MergeRelease> {
    const { pipeline, workspace } = this.options
    const record = this.get(id)
    const envs = this.mergeEnvironments()
    if (!workspace.config.build) {
      if (envs.length === 0) {
        return this.finish(id, 'succeeded', 'slipway.yml has no build section: nothing to release')
      }
      const reason =
        'not released: slipway.yml has no build section (build.command and build.artifact)'
      return this.failBuild(id, reason)
    }
    this.patch(id, { state: 'building', step: 'checking out the commit' })
    let release: Release
    try {
      release = await pipeline.buildRelease(record.commit, (line) =>
        // Build output is frequent: pushed, but written to disk only at the next step.
        this.patch(id, { step: line }, false)
      )
    } catch (err) {
      return this.failBuild(id, `the build failed: ${errorText(err)}`)
    }
    this.patch(id, { release: release.id, step: null, state: 'deploying' })
    await Promise.all(envs.map((env) => this.deployTo(id, release, env.name)))
    const failed = this.get(id).environments.filter((e) => e.state === 'failed')
    return failed.length === 0
      ? this.finish(id, 'succeeded', null)
      : this.finish(id, 'failed', failed.map((e) => `${e.environment}: ${e.reason}`).join('; '))
  }

  private async deployTo(id: string, release: Release, environment: string): Promise<void> {
    const { pipeline, log } = this.options
    try {
      const status = await pipeline.status(environment).catch(() => null)
      const prefix = (r: string | null): string | null => (r ? releaseCommitPrefix(r) : null)
      const hosts = status?.hosts ?? []
      const already =
        hosts.length > 0 &&
        hosts.every((h) => {
          const p = prefix(h.release)
          return h.reachable && h.healthy && p !== null && release.commit.startsWith(p)
        })
      if (already) {
        this.patchEnv(id, environment, {
          state: 'skipped',
          reason: `${environment} already runs ${hosts[0]?.release} from this commit`
        })
        return
      }
      const final = await pipeline.deploy(
        release.id,
        environment,
        `merge to main: ${release.commit.slice(0, 7)}`,
        (started) => this.patchEnv(id, environment, { state: 'deploying', deployment: started.id })
      )
      if (final.status === 'succeeded') {
        this.patchEnv(id, environment, { state: 'succeeded', reason: final.summary })
        return
      }
      await this.failDeploy(id, release, environment, final.summary || final.status, final.id)
    } catch (err) {
      // Refused before it started (host key, a deployment already running): that is the reason.
      await this.failDeploy(id, release, environment, errorText(err), null).catch((e: unknown) =>
        log(`could not record the failed deploy to ${environment}`, e)
      )
    }
  }

  private async failDeploy(
    id: string,
    release: Release,
    environment: string,
    reason: string,
    deployment: string | null
  ): Promise<void> {
    const current = this.get(id).environments.find((e) => e.environment === environment)
    this.patchEnv(id, environment, {
      state: 'failed',
      reason,
      deployment: deployment ?? current?.deployment ?? null
    })
    try {
      await this.options.pipeline.markBad(environment, release.id, reason)
    } catch (err) {
      this.options.log(`could not mark ${release.id} bad for ${environment}`, err)
    }
  }

  private failBuild(id: string, reason: string): MergeRelease {
    const current = this.get(id)
    this.update({
      ...current,
      environments: current.environments.map((e) => ({ ...e, state: 'failed', reason }))
    })
    return this.finish(id, 'failed', reason)
  }

  private finish(id: string, state: 'succeeded' | 'failed', reason: string | null): MergeRelease {
    return this.patch(id, { state, reason, step: null, finishedAt: new Date().toISOString() })
  }
}
