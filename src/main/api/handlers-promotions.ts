import type { promotionMethods } from '../../shared/contract-promotions'
import { PromotionsService } from '../services/promotions'
import { ChangeTickets } from '../services/tickets'
import type { DeployDomain } from './handlers-deploy'
import type { LedgerDomain } from './handlers-ledger'
import type { TeamDomain } from './handlers-team'
import type { DomainHandlers, HandlerContext } from './handlers'
import { perWorkspace } from './per-workspace'

/**
 * Handlers of the promotion methods: one {@link PromotionsService} per open workspace, over the
 * team's store and sync (promotions are team state) and the workspace's deploy service; requests,
 * approvals, refusals and outcomes are appended to the workspace's ledger, and each promotion keeps
 * a change ticket in the tracker.
 */
export function createPromotionHandlers(
  ctx: HandlerContext,
  teamDomain: TeamDomain,
  deploy: DeployDomain,
  ledger: Pick<LedgerDomain, 'record'>
): DomainHandlers<keyof typeof promotionMethods> {
  const opened = perWorkspace(ctx.session, (workspace) => ({
    workspace,
    service: null as Promise<PromotionsService> | null
  }))
  const promotions = (): Promise<PromotionsService> => {
    const entry = opened()
    if (entry.service) return entry.service
    const { workspace } = entry
    const deployService = deploy.service()
    const opening = teamDomain.team().then(
      (t) =>
        new PromotionsService({
          repo: workspace.path,
          mainBranch: workspace.mainBranch,
          config: workspace.config,
          store: t.store,
          sync: t.sync,
          deploy: deployService,
          tickets: () => t.tracker.list(),
          changed: (promotion) => ctx.emit({ event: 'promotions.changed', payload: { promotion } }),
          record: (draft) => ledger.record(draft),
          changes: new ChangeTickets(t.tracker)
        })
    )
    entry.service = opening
    opening.catch(() => {
      if (entry.service === opening) entry.service = null
    })
    return opening
  }
  return {
    'promotions.list': async () => (await promotions()).list(),
    'promotions.preview': async ({ release, environment }) =>
      (await promotions()).preview(release, environment),
    'promotions.promote': async ({ release, environment, reason, overrideFreeze }) =>
      (await promotions()).promote(release, environment, {
        ...(reason ? { reason } : {}),
        ...(overrideFreeze ? { overrideFreeze } : {})
      }),
    'promotions.approve': async ({ release, environment }) =>
      (await promotions()).approve(release, environment),
    'promotions.cancel': async ({ release, environment, reason }) =>
      (await promotions()).cancel(release, environment, reason?.trim() || null),
    'releases.notes': async ({ release }) => ({
      release,
      markdown: await (await promotions()).notes(release)
    })
  }
}
