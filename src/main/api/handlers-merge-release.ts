import type { MergeRelease, mergeReleaseMethods } from '../../shared/contract-merge-release'
import { MergeReleaseService, type ReleasePipeline } from '../services/merge-release'
import { workspaceDataDir } from '../services/workspace'
import type { DeployDomain } from './handlers-deploy'
import type { DomainHandlers, HandlerContext } from './handlers'
import { perWorkspace } from './per-workspace'

/** The merge-and-release domain: its handlers, and the call a pull-request merge makes. */
export interface MergeReleaseDomain {
  readonly handlers: DomainHandlers<keyof typeof mergeReleaseMethods>
  /**
   * Builds and deploys main's new commit after a pull request merged it (a squash merge is no
   * merge commit, so the watcher would not see it); resolves when it ended.
   */
  afterMerge(commit: string): Promise<MergeRelease>
}

/**
 * One {@link MergeReleaseService} per open workspace, over that workspace's deploy service.
 * It starts watching main on the first `mergeReleases.list` (the board asks as soon as it
 * shows a workspace, `serve` right after opening), so a one-shot CLI command never deploys
 * because main moved; a pull-request merge releases through {@link MergeReleaseDomain.afterMerge}.
 */
export function createMergeReleaseDomain(
  ctx: HandlerContext,
  deploy: DeployDomain
): MergeReleaseDomain {
  const service = perWorkspace(
    ctx.session,
    (workspace) => {
      const pipeline: ReleasePipeline = {
        buildRelease: (commit, onStep) => deploy.service().createReleaseQueued(commit, onStep),
        deploy: (release, environment, reason, onStarted) =>
          deploy.service().deployToEnd(release, environment, reason, onStarted),
        status: (environment) => deploy.service().status(environment),
        markBad: (environment, release, reason) =>
          deploy.service().markBad(environment, release, reason)
      }
      const dataDir = workspaceDataDir(ctx.dataDir, workspace.path)
      // A data folder we cannot create surfaces on the first call that needs it.
      dataDir.catch(() => undefined)
      return new MergeReleaseService({
        workspace,
        dataDir,
        pipeline,
        onChange: (mergeRelease) =>
          ctx.emit({ event: 'mergeReleases.changed', payload: { mergeRelease } }),
        log: ctx.log
      })
    },
    // Merge releases under way go on to their end (they hold host locks); watching stops.
    (s) => s.stop()
  )

  return {
    handlers: {
      'mergeReleases.list': async () => {
        const s = service()
        await s.watch()
        return s.list()
      }
    },
    afterMerge: (commit) => service().afterMerge(commit)
  }
}
