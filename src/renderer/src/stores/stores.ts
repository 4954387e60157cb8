import type { StoreApi } from 'zustand'
import type { ApiClient } from '../api/client'
import { createBranchEnvsStore, type BranchEnvsStore } from './branch-envs-store'
import { createBranchesStore, type BranchesStore } from './branches-store'
import { createDeployStore, type DeployStore } from './deploy-store'
import { createFoldersStore, type FoldersStore } from './folders-store'
import { createHistoryStore, type HistoryStore } from './history-store'
import { createLedgerStore, type LedgerStore } from './ledger-store'
import { createMergeReleasesStore, type MergeReleasesStore } from './merge-release-store'
import { createPromotionsStore, type PromotionsStore } from './promotions-store'
import { createPullsStore, type PullsStore } from './pulls-store'
import { createReleasesStore, type ReleasesStore } from './releases-store'
import { createTeamStore, type TeamStore } from './team-store'
import { createTicketsStore, type TicketsStore } from './tickets-store'
import { createTestsStore, type TestsStore } from './tests-store'
import { createTrustStore, type TrustStore } from './trust-store'
import { createViewerShareStore, type ViewerShareStore } from './viewer-share-store'
import { createWorkspaceStore, type WorkspaceStore } from './workspace-store'

/** Every domain store of the app, created together over one client. */
export interface Stores {
  readonly workspace: StoreApi<WorkspaceStore>
  /** The workspace picker's folder browser. */
  readonly folders: StoreApi<FoldersStore>
  readonly branches: StoreApi<BranchesStore>
  readonly releases: StoreApi<ReleasesStore>
  readonly deploy: StoreApi<DeployStore>
  readonly history: StoreApi<HistoryStore>
  readonly tests: StoreApi<TestsStore>
  readonly mergeReleases: StoreApi<MergeReleasesStore>
  readonly team: StoreApi<TeamStore>
  readonly tickets: StoreApi<TicketsStore>
  readonly pulls: StoreApi<PullsStore>
  readonly branchEnvs: StoreApi<BranchEnvsStore>
  readonly promotions: StoreApi<PromotionsStore>
  readonly ledger: StoreApi<LedgerStore>
  readonly trust: StoreApi<TrustStore>
  readonly viewerShare: StoreApi<ViewerShareStore>
}

/** Creates the app's stores over `client` (the real one in main.tsx, a fake one in tests). */
export function createStores(client: ApiClient): Stores {
  const branches = createBranchesStore(client)
  return {
    workspace: createWorkspaceStore(client),
    folders: createFoldersStore(client),
    branches,
    releases: createReleasesStore(client),
    deploy: createDeployStore(client),
    history: createHistoryStore(client),
    // Desktop notifications (went red, starts to conflict) are about the user's own branches.
    tests: createTestsStore(client, undefined, (name) => branches.getState().isMine(name)),
    mergeReleases: createMergeReleasesStore(client),
    team: createTeamStore(client),
    tickets: createTicketsStore(client),
    pulls: createPullsStore(client),
    branchEnvs: createBranchEnvsStore(client),
    promotions: createPromotionsStore(client),
    ledger: createLedgerStore(client),
    trust: createTrustStore(client),
    viewerShare: createViewerShareStore(client)
  }
}
