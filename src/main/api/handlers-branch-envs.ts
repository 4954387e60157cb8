import type { branchEnvMethods } from '../../shared/contract-branch-envs'
import { assertNever } from '../../shared/errors'
import type { Workspace } from '../../shared/models'
import {
  BranchEnvService,
  environmentCommit,
  type BranchEnvServiceEvent
} from '../services/branch-envs'
import { workspaceDataDir } from '../services/workspace'
import type { DeployDomain } from './handlers-deploy'
import type { DomainHandlers, HandlerContext } from './handlers'
import { perWorkspace } from './per-workspace'

type BranchEnvMethod = keyof typeof branchEnvMethods

// One open workspace's branch environments, started on the first `branchEnvs.*` call.
interface LazyBranchEnvs {
  readonly workspace: Workspace
  service: Promise<BranchEnvService> | null
  closed: boolean
}

/** The branch-environment domain: its handlers, and a way to stop everything it runs. */
export interface BranchEnvDomain {
  readonly handlers: DomainHandlers<BranchEnvMethod>
}

/**
 * Handlers of `branchEnvs.*` over one {@link BranchEnvService} per open workspace. The service
 * starts on the first call (the board lists them as it shows a workspace, which is also when
 * leftovers of a killed Slipway are found); a one-shot command such as `slipway branches` never
 * starts it. Closing the workspace (another opens, the app quits, serve stops) stops every
 * environment: each whole process group, waited for.
 */
export function createBranchEnvDomain(ctx: HandlerContext, deploy: DeployDomain): BranchEnvDomain {
  const opened = perWorkspace(
    ctx.session,
    (workspace, events): LazyBranchEnvs => {
      const entry: LazyBranchEnvs = { workspace, service: null, closed: false }
      events.onRefsMoved(() => {
        void entry.service
          ?.then((s) => s.refsMoved())
          .catch((err: unknown) => ctx.log('branch environments: reading moved refs', err))
      })
      return entry
    },
    (entry) => {
      entry.closed = true
      const starting = entry.service
      entry.service = null
      return starting?.then((s) => s.stopAll()).catch(() => undefined)
    }
  )

  const service = (): Promise<BranchEnvService> => {
    const entry = opened()
    if (entry.service) return entry.service
    const { workspace } = entry
    const starting = (async () => {
      const s = new BranchEnvService({
        workspacePath: workspace.path,
        dataDir: await workspaceDataDir(ctx.dataDir, workspace.path),
        config: workspace.config.branchEnvironments,
        onEvent: (event) => {
          if (!entry.closed) forward(ctx, event)
        },
        log: ctx.log,
        environmentCommit: async (environment) => {
          const d = deploy.service()
          const [status, releases] = await Promise.all([d.status(environment), d.listReleases()])
          return environmentCommit(workspace.path, status, releases)
        }
      })
      await s.start()
      return s
    })()
    entry.service = starting
    starting.catch(() => {
      if (entry.service === starting) entry.service = null
    })
    return starting
  }

  // Running a branch runs slipway.yml's setup and run: only once the user trusted them.
  const trusted = async (): Promise<BranchEnvService> => {
    await ctx.trust.require(opened().workspace, 'running a branch locally')
    return service()
  }

  const handlers: DomainHandlers<BranchEnvMethod> = {
    'branchEnvs.list': async () => (await service()).list(),
    'branchEnvs.start': async (request) => (await trusted()).startEnv(request),
    'branchEnvs.stop': async ({ id }) => (await service()).stop(id),
    'branchEnvs.restart': async ({ id }) => (await trusted()).restart(id),
    'branchEnvs.update': async ({ id }) => (await trusted()).update(id),
    'branchEnvs.log': async ({ id, offset, length }) =>
      (await service()).readLog(id, offset, length),
    'branchEnvs.logSearch': async ({ id, query }) => (await service()).searchLog(id, query),
    'branchEnvs.leftovers': async () => (await service()).leftovers(),
    'branchEnvs.cleanLeftovers': async () => ({
      ended: await (await service()).cleanLeftovers()
    })
  }
  return { handlers }
}

function forward(ctx: HandlerContext, event: BranchEnvServiceEvent): void {
  switch (event.kind) {
    case 'changed':
      ctx.emit({ event: 'branchEnvs.changed', payload: { env: event.env } })
      return
    case 'log':
      ctx.emit({
        event: 'branchEnvs.log',
        payload: {
          id: event.id,
          chunk: event.chunk.text,
          offset: event.chunk.offset,
          bytes: event.chunk.bytes
        }
      })
      return
    case 'leftovers':
      ctx.emit({ event: 'branchEnvs.leftovers', payload: { leftovers: event.leftovers } })
      return
    default:
      assertNever(event)
  }
}
