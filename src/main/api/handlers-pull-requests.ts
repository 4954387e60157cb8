import type { pullRequestMethods } from '../../shared/contract-pull-requests'
import type { MergeOutcome } from '../../shared/pull-request-models'
import { mergePullRequest, type MergeProgress } from '../services/pull-requests'
import type { DomainHandlers, HandlerContext } from './handlers'
import type { TeamDomain } from './handlers-team'

/** What a merge hands on: main's new commit, to build and deploy (merge and release). */
export type AfterMerge = (commit: string) => Promise<unknown>

/** Handlers of the pull-request methods, over the open workspace's team services. */
export function createPullRequestHandlers(
  ctx: HandlerContext,
  team: TeamDomain,
  afterMerge: AfterMerge | null
): DomainHandlers<keyof typeof pullRequestMethods> {
  const prs = async () => (await team.team()).pullRequests
  const changed = <T>(value: T): T => {
    ctx.emit({ event: 'pullRequests.changed', payload: { reason: 'changed here' } })
    return value
  }
  return {
    'pullRequests.list': async ({ state }) =>
      (await (await prs()).list()).filter((p) => state === 'all' || p.state === state),
    'pullRequests.checks': async () => (await prs()).openChecks(),
    'pullRequests.get': async ({ branch }) => (await prs()).view(branch),
    'pullRequests.open': async ({ branch, title, description }) => {
      const opened = await (await prs()).open({ branch, title, description })
      ctx.emit({ event: 'tickets.changed', payload: { reason: 'pull request opened' } })
      return changed({ view: opened.view, push: opened.push })
    },
    'pullRequests.review': async ({ branch, verdict, body }) =>
      changed(await (await prs()).review(branch, verdict, body)),
    'pullRequests.comment': async ({ branch, body, path, line, side }) =>
      changed(await (await prs()).comment(branch, { body, path, line, side })),
    'pullRequests.files': async ({ branch }) => (await prs()).changedFiles(branch),
    'pullRequests.diff': async ({ branch, path, offset, limit }) =>
      (await prs()).fileDiff(branch, path, offset, limit),
    'pullRequests.merge': async ({ branch }) => {
      const onProgress = (p: MergeProgress): void =>
        ctx.emit({
          event: 'pullRequests.mergeProgress',
          payload: {
            branch,
            progress: { kind: p.kind, runId: p.kind === 'testing' ? p.run.id : null }
          }
        })
      const out: MergeOutcome = await mergePullRequest(await prs(), branch, onProgress)
      if (out.kind === 'merged') {
        ctx.emit({ event: 'tickets.changed', payload: { reason: 'pull request merged' } })
        // The release and the deploys run on; their progress has events of its own.
        afterMerge?.(out.commit).catch((err: unknown) =>
          ctx.log(`the release after merging ${branch} failed`, err)
        )
      }
      return changed(out)
    },
    'pullRequests.close': async ({ branch }) => changed(await (await prs()).close(branch)),
    'pullRequests.deleteBranch': async ({ branch }) =>
      changed(await (await prs()).deleteBranch(branch))
  }
}
