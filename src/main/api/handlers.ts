import type { AppEvent, Method, ParsedRequestOf, ResponseOf } from '../../shared/contract'
import type { AppInfo } from '../../shared/models'
import { currentActor } from '../services/deploy'
import { TrustService } from '../services/trust'
import type { SettingsStore } from '../services/workspace'
import { createBranchEnvDomain } from './handlers-branch-envs'
import { createBranchHandlers } from './handlers-branches'
import { createDemoHandlers } from './handlers-demo'
import { createDeployDomain } from './handlers-deploy'
import { createLedgerDomain } from './handlers-ledger'
import { createMergeReleaseDomain } from './handlers-merge-release'
import { createPromotionHandlers } from './handlers-promotions'
import { createPullRequestHandlers } from './handlers-pull-requests'
import { createTeamDomain, mergeTestsFrom } from './handlers-team'
import { createTestDomain } from './handlers-test-runs'
import { createTicketHandlers } from './handlers-tickets'
import { createTrustHandlers } from './handlers-trust'
import { createViewerHandlers } from './handlers-viewer'
import { createWorkspaceHandlers, type FolderPicker } from './handlers-workspace'
import type { Session } from './session'
import type { ErrorLog } from './to-api-error'
import type { ViewerSharing } from './viewer-sharing'

/** One handler per contract method; a missing or mistyped method fails to compile. */
export type Handlers = {
  [M in Method]: (request: ParsedRequestOf<M>) => Promise<ResponseOf<M>>
}

/** What the handlers use. */
export interface HandlerContext {
  readonly session: Session
  readonly settings: SettingsStore
  readonly host: AppInfo['host']
  readonly version: string
  /** The demo repository's path (created on first use). */
  readonly demoPath: () => Promise<string>
  /** Per-user data folder; per-workspace data goes under `workspaceDataDir(dataDir, path)`. */
  readonly dataDir: string
  /** Where bugs of background work are reported, with their stack. */
  readonly log: ErrorLog
  /** Pushes an event to every connected client. */
  readonly emit: (event: AppEvent) => void
  /** False in one-shot commands: the test service runs only what is requested. */
  readonly continualTesting: boolean
  /**
   * Workspace trust: the one gate before anything runs a command of slipway.yml (tests, setup,
   * builds, hooks, health commands). Every domain that runs one calls `trust.require` first.
   */
  readonly trust: TrustService
  /** "Share read-only…": the viewer server this process runs, if any. */
  readonly viewerSharing: ViewerSharing
  /** The user's home folder: the folder listing stays inside it. */
  readonly home: string
  /** The desktop app's folder dialog; null under serve and the CLI. */
  readonly pickFolder: FolderPicker | null
}

/** The handlers of one domain's methods (see handlers-*.ts). */
export type DomainHandlers<M extends Method> = Pick<Handlers, M>

/**
 * The handler table: each domain's `handlers-<domain>.ts` maps its contract methods to its
 * service; a domain missing here fails to compile.
 */
export function createHandlers(base: Omit<HandlerContext, 'trust'>): Handlers {
  const ctx: HandlerContext = { ...base, trust: new TrustService(base.dataDir) }
  const tests = createTestDomain(ctx)
  const team = createTeamDomain(ctx, () => mergeTestsFrom(tests))
  // The ledger reads hosts' logs through the deploy domain, which records into the ledger.
  const ledger = createLedgerDomain(ctx, () => deploy, currentActor())
  const deploy = createDeployDomain(ctx, ledger.recorderFor)
  const mergeRelease = createMergeReleaseDomain(ctx, deploy)
  return {
    ...createWorkspaceHandlers(ctx),
    ...createBranchHandlers(ctx),
    ...tests.handlers,
    ...createTrustHandlers(ctx),
    ...deploy.handlers,
    ...mergeRelease.handlers,
    ...team.handlers,
    ...createTicketHandlers(ctx, team),
    // A merge hands main's new commit on to be released and deployed on merge.
    ...createPullRequestHandlers(ctx, team, mergeRelease.afterMerge),
    ...createPromotionHandlers(ctx, team, deploy, ledger),
    ...createDemoHandlers(ctx, team, deploy),
    ...createBranchEnvDomain(ctx, deploy).handlers,
    ...ledger.handlers,
    ...createViewerHandlers(ctx)
  } satisfies Handlers
}
