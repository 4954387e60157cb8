import type { branchMethods } from '../../shared/contract-branches'
import { BranchService } from '../services/git'
import type { DomainHandlers, HandlerContext } from './handlers'
import { perWorkspace } from './per-workspace'

/** Handlers of the branch methods, over one {@link BranchService} per open workspace. */
export function createBranchHandlers(
  ctx: HandlerContext
): DomainHandlers<keyof typeof branchMethods> {
  const branches = perWorkspace(ctx.session, (workspace, opened) => {
    const service = new BranchService(workspace.path, {
      mainBranch: workspace.mainBranch,
      ticketPattern: workspace.config.tickets.pattern
    })
    opened.onRefsMoved(() => service.refsMoved())
    return service
  })
  return {
    'branches.list': async ({ refresh }) => branches().list(refresh ?? false),
    'branches.commits': async ({ name, limit }) => branches().commitsAhead(name, limit),
    'branches.mine': async () => {
      const { email, names } = await branches().mine()
      return { email, names: [...names] }
    },
    'branches.prunable': async () => branches().prunable(),
    'branches.prune': async ({ branches: asked }) => branches().prune(asked),
    'branches.restore': async ({ branches: asked }) => branches().restore(asked)
  }
}
