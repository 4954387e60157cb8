import type { testMethods } from '../../shared/contract-test-runs'
import { assertNever } from '../../shared/errors'
import type { Workspace } from '../../shared/models'
import type { TestRun } from '../../shared/test-models'
import { ExpectedError } from '../services/errors'
import { readStoredRuns, TestService, type TestServiceEvent } from '../services/test-runs'
import { workspaceDataDir } from '../services/workspace'
import type { DomainHandlers, HandlerContext } from './handlers'
import { perWorkspace } from './per-workspace'

type TestMethod = keyof typeof testMethods

// One open workspace's test service, started on first use.
interface LazyTestService {
  readonly workspace: Workspace
  service: Promise<TestService> | null
  closed: boolean
}

/**
 * Handlers of the test-run methods, over one {@link TestService} per open workspace.
 * `tests.runs` before the service started reads the stored results and starts nothing.
 *
 * The service starts on the first `tests.*` call for the open workspace, not when it opens:
 * a one-shot CLI command such as `slipway branches` opens a workspace too and must neither
 * wait for nor start test runs. Long-lived hosts start it at once because the board asks for
 * `tests.branchStates` as soon as it shows a workspace (and `serve` asks once after opening,
 * so testing begins before a browser connects). Closing the workspace stops it, killing its
 * runs' process trees.
 */
/** The test domain: its handlers, and the open workspace's test runs for other domains. */
export interface TestDomain {
  readonly handlers: DomainHandlers<TestMethod>
  /**
   * The open workspace's TestService, started now if it was not (paused in a one-shot router,
   * where only requested runs run).
   */
  service(): Promise<TestService>
  /** The stored runs (newest first), read without starting the service when it is not running. */
  runs(): Promise<TestRun[]>
  /** True when the open workspace has a test command. */
  configured(): boolean
}

/** Handlers of the test-run methods, and the service under them for pull requests. */
export function createTestDomain(ctx: HandlerContext): TestDomain {
  // Created per workspace; the service itself starts on the first call that needs it.
  const opened = perWorkspace(
    ctx.session,
    (workspace): LazyTestService => ({ workspace, service: null, closed: false }),
    (entry) => {
      entry.closed = true
      const starting = entry.service
      entry.service = null
      return starting?.then((s) => s.stop()).catch(() => undefined)
    }
  )

  const service = async (): Promise<TestService> => {
    const entry = opened()
    const { workspace } = entry
    if (!workspace.config.test) {
      throw new ExpectedError(
        'bad-config',
        'slipway.yml has no test.command, so Slipway cannot test branches. Add for example "test: { command: npm test }".',
        { workspace: workspace.path }
      )
    }
    if (entry.service) return entry.service
    // Nothing of the workspace runs before the user has seen its commands and said yes.
    await ctx.trust.require(workspace, 'Slipway tests its branches')
    if (entry.service) return entry.service
    if (entry.closed) throw new ExpectedError('no-workspace', 'The workspace was closed meanwhile.')
    const starting = startService(ctx, workspace, (event) => {
      // Events of a service whose workspace was closed meanwhile are dropped.
      if (!entry.closed) forward(ctx, event)
    })
    entry.service = starting
    starting.catch(() => {
      if (entry.service === starting) entry.service = null
    })
    return starting
  }

  const handlers: DomainHandlers<TestMethod> = {
    'tests.branchStates': async () => (await service()).branchStates(),
    'tests.queue': async () => (await service()).queue(),
    'tests.run': async ({ id }) => (await service()).run(id),
    // Reading stored runs starts nothing: the running service's view, else the results file.
    'tests.runs': async (filter) => {
      const entry = opened()
      if (entry.service) return (await entry.service).runs(filter)
      return readStoredRuns(await workspaceDataDir(ctx.dataDir, entry.workspace.path), filter)
    },
    'tests.request': async ({ branch, sha, kind, force }) =>
      (await service()).request({ branch, sha, kind, force, reason: 'manual' }),
    'tests.cancel': async ({ id }) => {
      await (await service()).cancel(id)
      return null
    },
    'tests.cancelAll': async () => {
      await (await service()).cancelAll()
      return null
    },
    'tests.setPaused': async ({ paused }) => {
      const s = await service()
      s.setPaused(paused)
      return s.queue()
    },
    'tests.focus': async ({ branch }) => {
      ;(await service()).setFocus(branch)
      return null
    },
    'tests.log': async ({ id, offset, length }) => (await service()).readLog(id, offset, length),
    'tests.logSearch': async ({ id, query }) => (await service()).searchLog(id, query)
  }

  return {
    handlers,
    service,
    configured: () => opened().workspace.config.test !== undefined,
    runs: async () => {
      const entry = opened()
      if (entry.service) return (await entry.service).runs({})
      return readStoredRuns(await workspaceDataDir(ctx.dataDir, entry.workspace.path))
    }
  }
}

async function startService(
  ctx: HandlerContext,
  workspace: Workspace,
  onEvent: (event: TestServiceEvent) => void
): Promise<TestService> {
  const service = new TestService({
    workspacePath: workspace.path,
    dataDir: await workspaceDataDir(ctx.dataDir, workspace.path),
    config: workspace.config,
    mainBranch: workspace.mainBranch,
    onEvent,
    log: ctx.log,
    // A one-shot command fetches nothing and tests only what it requests (queued while paused).
    ...(ctx.continualTesting ? {} : { fetchIntervalMs: 0 })
  })
  if (!ctx.continualTesting) service.setPaused(true)
  await service.start()
  return service
}

function forward(ctx: HandlerContext, event: TestServiceEvent): void {
  switch (event.kind) {
    case 'run':
      ctx.emit({ event: 'tests.runChanged', payload: { run: event.run } })
      return
    case 'log':
      ctx.emit({
        event: 'tests.log',
        payload: {
          runId: event.runId,
          chunk: event.chunk,
          offset: event.offset,
          bytes: event.bytes
        }
      })
      return
    case 'queue':
      ctx.emit({ event: 'tests.queueChanged', payload: { queue: event.queue } })
      return
    default:
      assertNever(event)
  }
}
