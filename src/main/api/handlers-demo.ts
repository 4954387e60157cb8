import type { demoMethods } from '../../shared/contract-demo'
import { ExpectedError } from '../services/errors'
import { Team } from '../services/team'
import { DEMO_REVIEWER, demoTeamPaths, ensureDemoTeam } from '../services/workspace'
import type { DomainHandlers, HandlerContext } from './handlers'
import type { TeamDomain } from './handlers-team'

/**
 * The demo's second person at work: "review as Ben" runs in Ben's own clone of the demo's
 * origin, through the same team services as anyone's Slipway (sync, review, push), so the
 * approval reaches this workspace the way a teammate's would: through origin and a sync.
 */
export function createDemoHandlers(
  ctx: HandlerContext,
  team: TeamDomain
): DomainHandlers<keyof typeof demoMethods> {
  return {
    'demo.review': async ({ branch, verdict }) => {
      const { workspace } = ctx.session.require()
      if (!workspace.isDemo) {
        throw new ExpectedError(
          'bad-request',
          `Only the demo workspace has a second person to review as; in ${workspace.name}, a teammate reviews from their own Slipway.`
        )
      }
      // Whatever happened to the folders since the demo was made, Ben has his clone.
      await ensureDemoTeam(workspace.path)
      // What Ben reviews must be on origin: this workspace publishes first.
      await team.sync()
      const ben = await Team.open({
        repo: demoTeamPaths(workspace.path).reviewerClone,
        config: workspace.config,
        mainBranch: workspace.mainBranch
      })
      const fetched = await ben.sync.sync()
      if (fetched.kind !== 'synced') {
        throw new ExpectedError(
          'unreachable',
          `${DEMO_REVIEWER.name} could not reach the demo's origin: ${fetched.kind === 'offline' ? fetched.message : 'it has no origin'}`
        )
      }
      const body =
        verdict === 'approve'
          ? 'Looks good to me. (Reviewed as Ben in the demo.)'
          : 'Please have another look. (Reviewed as Ben in the demo.)'
      await ben.pullRequests.review(branch, verdict, body)
      await ben.sync.sync()
      // Back here: the review arrives through origin, as a teammate's would.
      await team.sync()
      return (await team.team()).pullRequests.view(branch)
    }
  }
}
