import type { AppEvent } from '../../../shared/contract'
import type { HostKeyScan } from '../../../shared/contract-deploy'
import type { EnvironmentConfig } from '../../../shared/config-schema'
import type {
  Deployment,
  DeploymentHistory,
  EnvironmentStatus,
  Release
} from '../../../shared/deploy-models'
import type { Workspace } from '../../../shared/models'
import { ExpectedError } from '../errors'
import type { ErrorLog } from '../log'
import {
  createRelease,
  getRelease,
  listReleases,
  pruneReleases,
  type ReleaseProblem
} from '../releases'
import type { TransportContext } from '../transport'
import { breakLock } from './break-lock'
import { deployRelease } from './deploy-release'
import type { DeploymentRegistry } from './deployment-registry'
import { readDeploymentHistory } from './deployment-history'
import { readEnvironmentStatus } from './environment-status'
import { scanHostKeys } from './host-keys'
import { recordLocalBadRelease, workspaceDeployments } from './local-records'
import { passApprovals, passFreeze } from './deploy-gates'
import { publicRelease } from './public-release'
import { releaseProgress } from './release-progress'
import { readReleaseOnHosts, type ReleaseOnHost } from './release-on-hosts'
import { rollbackEnvironment } from './rollback-environment'
import { startDeployment, type DeploymentRun, type Started } from './start-deployment'
import type { DeployContext, DeployEvent, DeployRecorder } from './types'

/** What a {@link DeployService} is built from. */
export interface DeployServiceOptions {
  readonly workspace: Workspace
  /** The workspace's own data folder (`workspaceDataDir`). */
  readonly dataDir: Promise<string>
  readonly transport: TransportContext
  /** `user@machine`, recorded as who created, deployed and locked. */
  readonly actor: string
  readonly emit: (event: AppEvent) => void
  readonly log: ErrorLog
  /** Deployments of this process, shared across workspaces so a switch does not lose them. */
  readonly deployments: DeploymentRegistry
  /** Told of every release, deployment, rollback and lock break (the ledger records them). */
  readonly recorder?: DeployRecorder
  /**
   * Workspace trust: rejects (`untrusted`) while the user has not accepted slipway.yml's
   * commands. Called before anything here runs one: a build, hooks, a health command.
   */
  readonly requireTrust: (what: string) => Promise<void>
}

/**
 * The deploy domain for one open workspace: releases in its data folder, deployments and
 * rollbacks run by the engine in the background (their progress pushed as events), status
 * reads, lock breaking and host keys.
 */
export class DeployService {
  private creating: Promise<Release> | null = null

  constructor(private readonly options: DeployServiceOptions) {}

  private async releasesDir(): Promise<string> {
    return `${await this.options.dataDir}/releases`
  }

  private environment(name: string): EnvironmentConfig {
    const env = this.options.workspace.config.environments.find((e) => e.name === name)
    if (!env) {
      const known = this.options.workspace.config.environments.map((e) => e.name)
      throw new ExpectedError(
        'not-found',
        `no environment "${name}" in slipway.yml${known.length ? ` (there is ${known.join(', ')})` : ''}`,
        { environment: name, known }
      )
    }
    return env
  }

  private async context(onEvent?: (e: DeployEvent) => void): Promise<DeployContext> {
    const releasesDir = await this.releasesDir()
    return {
      workspacePath: this.options.workspace.path,
      dataDir: await this.options.dataDir,
      transport: this.options.transport,
      actor: this.options.actor,
      findRelease: (id) => getRelease(releasesDir, id).catch(() => null),
      ...(onEvent ? { onEvent } : {})
    }
  }

  private envKey(name: string): string {
    return `${this.options.workspace.path}\0${name}`
  }

  /** Releases, newest first. */
  async listReleases(): Promise<Release[]> {
    const skipped = (p: ReleaseProblem): void =>
      this.options.log(`skipping the damaged release folder ${p.folder}: ${p.reason}`)
    return (await listReleases(await this.releasesDir(), skipped)).map(publicRelease)
  }

  /**
   * Builds a release from `commit` after any build already running (the merge pipeline's way,
   * where two builds must queue rather than refuse); `onStep` gets each line of progress.
   */
  async createReleaseQueued(commit: string, onStep: (line: string) => void): Promise<Release> {
    while (this.creating) await this.creating.catch(() => undefined)
    return this.createRelease(commit, onStep)
  }

  /** Builds a release (one at a time); progress goes out as `releases.changed`. */
  async createRelease(
    commit: string | undefined,
    onStep?: (line: string) => void
  ): Promise<Release> {
    if (this.creating) {
      throw new ExpectedError('conflict', 'a release is already being built; wait for it to finish')
    }
    const { workspace, emit } = this.options
    const build = workspace.config.build
    if (!build) {
      throw new ExpectedError(
        'bad-config',
        'slipway.yml has no build section: say how to build (build.command) and what to ship (build.artifact)'
      )
    }
    await this.options.requireTrust('building a release')
    if (this.creating) {
      throw new ExpectedError('conflict', 'a release is already being built; wait for it to finish')
    }
    const run = async (): Promise<Release> => {
      try {
        const stored = await createRelease({
          workspacePath: workspace.path,
          dir: await this.releasesDir(),
          config: workspace.config,
          mainBranch: workspace.mainBranch,
          ticketPattern: workspace.config.tickets.pattern,
          ...(commit ? { commit } : {}),
          createdBy: this.options.actor,
          onProgress: releaseProgress(emit, onStep)
        })
        const release = publicRelease(stored)
        emit({ event: 'releases.changed', payload: { kind: 'created', release } })
        this.options.recorder?.released(release)
        return release
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err)
        emit({ event: 'releases.changed', payload: { kind: 'failed', message } })
        throw err
      }
    }
    const creating = run()
    this.creating = creating
    try {
      return await creating
    } finally {
      this.creating = null
    }
  }

  /** Removes all but the newest `keep` releases, never one a running deployment uses. */
  async pruneReleases(keep: number): Promise<string[]> {
    const protect = this.options.deployments
      .list()
      .filter((d) => d.status === 'running')
      .map((d) => d.release)
    const removed = await pruneReleases(await this.releasesDir(), keep, protect)
    this.options.emit({ event: 'releases.changed', payload: { kind: 'pruned', removed } })
    return removed
  }

  /** Reads an environment from its hosts. */
  async status(name: string): Promise<EnvironmentStatus> {
    const env = this.environment(name)
    // Reading hosts runs nothing of slipway.yml, but a health command would.
    if (env.healthCheck?.command) await this.options.requireTrust('running its health command')
    return readEnvironmentStatus(env, await this.context())
  }

  /** The environment's deployments and rollbacks as its hosts recorded them, newest first. */
  async history(name: string, limit?: number): Promise<DeploymentHistory> {
    return readDeploymentHistory(this.environment(name), await this.context(), limit)
  }

  /**
   * This workspace's deployments, newest first: those of this process, then those this machine
   * recorded before (a restart keeps them, with their logs). Never another workspace's.
   */
  listDeployments(limit = 50): Promise<Deployment[]> {
    const path = this.options.workspace.path
    const live = this.options.deployments.list().filter((d) => d.workspace === path)
    return workspaceDeployments(path, live, this.options.dataDir, limit)
  }

  /**
   * Starts deploying `releaseId` to `name`; resolves with the running deployment. Inside a
   * freeze it is refused (`frozen`) unless `overrideFreeze` gives a written reason.
   */
  async deploy(
    releaseId: string,
    name: string,
    reason: string | undefined,
    overrideFreeze?: string
  ): Promise<Deployment> {
    const { first, finished } = await this.startDeploy(releaseId, name, reason, overrideFreeze)
    return Promise.race([first, finished])
  }

  /**
   * Deploys `releaseId` to `name` and resolves with the final deployment (whatever its status);
   * `onStarted` gets the running deployment as soon as it exists. Refusals before the start
   * (unknown host key, a deployment already running there) reject.
   */
  async deployToEnd(
    releaseId: string,
    name: string,
    reason: string,
    onStarted: (deployment: Deployment) => void,
    options: { overrideFreeze?: string; promotion?: string } = {}
  ): Promise<Deployment> {
    const { first, finished } = await this.startDeploy(
      releaseId,
      name,
      reason,
      options.overrideFreeze,
      options.promotion
    )
    void first.then(onStarted)
    return finished
  }

  /** Marks `releaseId` bad for the environment on this machine, with the reason. */
  async markBad(name: string, releaseId: string, reason: string): Promise<void> {
    this.environment(name)
    await recordLocalBadRelease(await this.options.dataDir, name, releaseId, reason)
    void this.announceStatus(this.environment(name))
  }

  private async startDeploy(
    releaseId: string,
    name: string,
    reason: string | undefined,
    overrideFreeze?: string,
    promotion?: string
  ): Promise<Started> {
    const env = this.environment(name)
    await this.options.requireTrust('deploying (hooks and health commands)')
    passApprovals(env, promotion)
    const release = await getRelease(await this.releasesDir(), releaseId)
    const freezeOverride = passFreeze(env, Date.now(), {
      release: release.id,
      by: this.options.actor,
      ...(overrideFreeze ? { overrideReason: overrideFreeze } : {})
    })
    const started = await this.start(env, reason, (ctx, signal, hosts) =>
      deployRelease(release, env, ctx, {
        signal,
        hosts,
        ...(reason ? { reason } : {}),
        ...(freezeOverride ? { freezeOverride } : {})
      })
    )
    // The override is on record once the deployment it lets through has started.
    if (freezeOverride) this.options.recorder?.overrode(name, freezeOverride)
    return started
  }

  /** Starts a rollback of `name` (to `to`, else the previous good release). */
  async rollback(
    name: string,
    to: string | undefined,
    reason: string | undefined
  ): Promise<Deployment> {
    const env = this.environment(name)
    await this.options.requireTrust('rolling back (hooks and health commands)')
    const { first, finished } = await this.start(env, reason, (ctx, signal, hosts) =>
      rollbackEnvironment(env, ctx, {
        signal,
        hosts,
        ...(to ? { to } : {}),
        ...(reason ? { reason } : {})
      })
    )
    return Promise.race([first, finished])
  }

  /** Breaks the environment's lock on every host, recording `reason`. */
  async breakLock(name: string, reason: string): Promise<void> {
    const env = this.environment(name)
    const unreserve = this.options.deployments.reserve(this.envKey(name), name)
    try {
      const broken = await breakLock(env, await this.context(), reason)
      this.options.recorder?.lockBroken(name, broken, reason)
    } finally {
      unreserve()
    }
    void this.announceStatus(env)
  }

  /** Per host of `name`: whether it holds `releaseId`, and the sha256 it recorded for it. */
  async releaseOnHosts(name: string, releaseId: string): Promise<ReleaseOnHost[]> {
    return readReleaseOnHosts(this.environment(name), this.options.transport, releaseId)
  }

  /** Host keys of an environment's hosts. */
  scanHosts(name: string): Promise<HostKeyScan[]> {
    return scanHostKeys(this.environment(name), this.options.transport)
  }

  private start(
    env: EnvironmentConfig,
    reason: string | undefined,
    run: DeploymentRun
  ): Promise<Started> {
    const { deployments, emit, log, recorder, transport } = this.options
    return startDeployment({
      env,
      reason,
      key: this.envKey(env.name),
      deployments,
      transport,
      emit,
      log,
      ...(recorder ? { recorder } : {}),
      context: (onEvent) => this.context(onEvent),
      announce: () => this.announceStatus(env),
      run
    })
  }

  /** Reads the environment again and pushes it, so every board shows the hosts' truth. */
  private async announceStatus(env: EnvironmentConfig): Promise<void> {
    try {
      const status = await this.status(env.name)
      this.options.emit({
        event: 'environments.changed',
        payload: { workspace: this.options.workspace.path, environment: env.name, status }
      })
    } catch (err) {
      // Not trusted (a lock broken before trusting): the board reads it again once trusted.
      if (!(err instanceof ExpectedError && err.code === 'untrusted')) {
        this.options.log(`could not read ${env.name} after a change`, err)
      }
      this.options.emit({
        event: 'environments.changed',
        payload: { workspace: this.options.workspace.path, environment: env.name, status: null }
      })
    }
  }
}
