import type { demoMethods } from '../../shared/contract-demo'
import type { Workspace } from '../../shared'
import { ExpectedError } from '../services/errors'
import { Ledger } from '../services/ledger'
import { PromotionsService } from '../services/promotions'
import { Team } from '../services/team'
import { DEMO_APPROVER, DEMO_REVIEWER, demoTeamPaths, ensureDemoTeam } from '../services/workspace'
import type { DeployDomain } from './handlers-deploy'
import type { DomainHandlers, HandlerContext } from './handlers'
import type { TeamDomain } from './handlers-team'

/** The open workspace, when it is the demo; else a `bad-request` saying who does it instead. */
function demoWorkspace(ctx: HandlerContext, what: string, instead: string): Workspace {
  const { workspace } = ctx.session.require()
  if (!workspace.isDemo) {
    throw new ExpectedError(
      'bad-request',
      `Only the demo workspace has a second person to ${what} as; in ${workspace.name}, ${instead}.`
    )
  }
  return workspace
}

/** A demo person's clone, synced with the demo's origin, as their own Slipway team would be. */
async function openClone(
  workspace: Workspace,
  repo: string,
  person: { readonly name: string }
): Promise<Team> {
  const team = await Team.open({ repo, config: workspace.config, mainBranch: workspace.mainBranch })
  const fetched = await team.sync.sync()
  if (fetched.kind !== 'synced') {
    throw new ExpectedError(
      'unreachable',
      `${person.name} could not reach the demo's origin: ${fetched.kind === 'offline' ? fetched.message : 'it has no origin'}`
    )
  }
  return team
}

/**
 * The demo's other people at work: "review as Ben" runs in Ben's own clone of the demo's
 * origin and "approve as Priya" in Priya's, through the same team and promotion services as
 * anyone's Slipway (sync, review or approve, push), so what they do reaches this workspace the
 * way a teammate's work would: through origin and a sync.
 */
export function createDemoHandlers(
  ctx: HandlerContext,
  team: TeamDomain,
  deploy: DeployDomain
): DomainHandlers<keyof typeof demoMethods> {
  return {
    'demo.review': async ({ branch, verdict }) => {
      const workspace = demoWorkspace(ctx, 'review', 'a teammate reviews from their own Slipway')
      // Whatever happened to the folders since the demo was made, Ben has his clone.
      await ensureDemoTeam(workspace.path)
      // What Ben reviews must be on origin: this workspace publishes first.
      await team.sync()
      const ben = await openClone(
        workspace,
        demoTeamPaths(workspace.path).reviewerClone,
        DEMO_REVIEWER
      )
      const body =
        verdict === 'approve'
          ? 'Looks good to me. (Reviewed as Ben in the demo.)'
          : 'Please have another look. (Reviewed as Ben in the demo.)'
      await ben.pullRequests.review(branch, verdict, body)
      await ben.sync.sync()
      // Back here: the review arrives through origin, as a teammate's would.
      await team.sync()
      return (await team.team()).pullRequests.view(branch)
    },

    'demo.approvePromotion': async ({ release, environment }) => {
      const workspace = demoWorkspace(
        ctx,
        'approve',
        'an approver approves from their own Slipway (slipway approve)'
      )
      await ensureDemoTeam(workspace.path)
      // The promotion Priya approves must be on origin: this workspace publishes first.
      await team.sync()
      const repo = demoTeamPaths(workspace.path).approverClone
      const priya = await openClone(workspace, repo, DEMO_APPROVER)
      // Her own Slipway's promotion service: the same rules judge her (requester, authors), and
      // what she does is appended to the ledger of her clone, which travels with her push.
      // Approving reads no host; the deploy service is this workspace's (the same hosts).
      const ledger = await Ledger.open(priya.store)
      const promotions = new PromotionsService({
        repo,
        mainBranch: workspace.mainBranch,
        config: workspace.config,
        store: priya.store,
        sync: priya.sync,
        deploy: deploy.service(),
        tickets: () => priya.tickets.list(),
        record: async (draft) => {
          try {
            await ledger.append(draft)
          } catch (err) {
            ctx.log(`could not record ${DEMO_APPROVER.name}'s ${draft.kind} in the ledger`, err)
          }
        }
      })
      try {
        return await promotions.approve(release, environment)
      } finally {
        // Her approval (or the refusal, with its words) reaches this workspace through origin;
        // promotions.changed and ledger.changed go out from that sync.
        await priya.sync.sync()
        await team.sync()
      }
    }
  }
}
