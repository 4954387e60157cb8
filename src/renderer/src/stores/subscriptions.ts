import type { AppEvent, Workspace } from '../../../shared'
// Values come from errors.ts directly so the renderer bundle does not pull in zod.
import { assertNever } from '../../../shared/errors'
import type { ApiClient } from '../api/client'
import type { Stores } from './stores'

/** Tuning for {@link connectSubscriptions}. */
export interface SubscriptionOptions {
  /** Events arriving within this window cause a single branch refresh. */
  readonly coalesceMs?: number
}

/**
 * The one place server events enter the stores: `workspace.changed` updates the workspace
 * store, `branches.changed` bursts collapse into one branch refresh. Also keeps the branch
 * listing in step with the workspace (another repository, main branch or ticket pattern means
 * a fresh listing), and re-reads both after the event stream reconnects. Returns the function that disconnects everything.
 */
export function connectSubscriptions(
  stores: Stores,
  client: ApiClient,
  options: SubscriptionOptions = {}
): () => void {
  const refreshBranches = coalesce(
    () => stores.branches.getState().refresh(),
    options.coalesceMs ?? 150
  )

  // Branch cards show their pull request's checks: a merge-result run that ends, or main
  // moving, changes them.
  const refreshChecks = coalesce(async () => {
    stores.pulls.getState().refreshChecks()
  }, options.coalesceMs ?? 150)

  const offEvents = client.onEvent((event: AppEvent) => {
    switch (event.event) {
      case 'workspace.changed':
        stores.workspace.getState().workspaceChanged(event.payload.workspace)
        // A re-opened workspace (new slipway.yml) gets a fresh test service: read it again.
        if (event.payload.workspace) loadTests()
        if (event.payload.workspace) loadBranchEnvs()
        if (event.payload.workspace) void stores.trust.getState().load()
        else stores.trust.getState().reset()
        return
      case 'branches.changed':
        if (stores.workspace.getState().workspace) refreshBranches.request()
        if (stores.workspace.getState().workspace) refreshChecks.request()
        return
      case 'deployments.changed':
        // A deployment of another workspace (it runs on after a switch) is not this board's.
        if (!isOpen(event.payload.deployment.workspace)) return
        stores.deploy.getState().deploymentChanged(event.payload.deployment)
        return
      case 'environments.changed':
        // Environments are named per workspace: another's "staging" is not this one's.
        if (!isOpen(event.payload.workspace)) return
        stores.deploy.getState().statusChanged(event.payload.environment, event.payload.status)
        // Its hosts' logs have a new ending: the history and "Last deploy" follow.
        stores.history.getState().reloadKnown(event.payload.environment)
        return
      case 'releases.changed':
        stores.releases.getState().changed(event.payload)
        return
      case 'mergeReleases.changed':
        stores.mergeReleases.getState().changed(event.payload.mergeRelease)
        return
      case 'tests.runChanged':
        stores.tests.getState().runChanged(event.payload.run)
        stores.pulls.getState().runChanged(event.payload.run)
        if (event.payload.run.kind === 'merge') refreshChecks.request()
        return
      case 'tests.log':
        stores.tests.getState().logChunk(event.payload)
        return
      case 'tests.queueChanged':
        stores.tests.getState().queueChanged(event.payload.queue)
        return
      case 'trust.changed':
        stores.trust.getState().changed(event.payload.status)
        // Trusted now: the test service may start, and the lanes may run health commands.
        loadTests()
        return
      case 'team.synced':
        stores.team.getState().synced(event.payload.status)
        return
      case 'tickets.changed':
        stores.tickets.getState().changed()
        return
      case 'pullRequests.changed':
        stores.pulls.getState().changed()
        return
      case 'pullRequests.mergeProgress':
        stores.pulls.getState().progress(event.payload.branch, event.payload.progress)
        return
      case 'branchEnvs.changed':
        stores.branchEnvs.getState().changed(event.payload.env)
        return
      case 'branchEnvs.log':
        stores.branchEnvs.getState().logChunk(event.payload)
        return
      case 'branchEnvs.leftovers':
        stores.branchEnvs.getState().leftoversFound(event.payload.leftovers)
        return
      case 'ledger.changed':
        // The ledger view and the open histories follow every append here.
        stores.ledger.getState().changed(event.payload)
        stores.history.getState().ledgerChanged()
        return
      case 'promotions.changed':
        stores.promotions.getState().changed()
        return
      default:
        assertNever(event)
    }
  })

  const isOpen = (workspace: string): boolean =>
    stores.workspace.getState().workspace?.path === workspace

  // Events sent while the stream was down are lost: re-read what the board shows.
  const offReconnect =
    client.onReconnect?.(() => {
      void stores.workspace.getState().loadCurrent()
      if (stores.workspace.getState().workspace) refreshBranches.request()
      if (stores.workspace.getState().workspace) reloadDeploys()
      if (stores.workspace.getState().workspace) loadTests()
      if (stores.workspace.getState().workspace) loadBranchEnvs()
    }) ?? (() => {})

  const loadTests = (): void => {
    const workspace = stores.workspace.getState().workspace
    void stores.tests.getState().load(workspace?.config.test?.command ?? null)
  }
  const loadBranchEnvs = (): void => {
    const workspace = stores.workspace.getState().workspace
    void stores.branchEnvs.getState().load(Boolean(workspace?.config.branchEnvironments))
  }
  const reloadDeploys = (): void => {
    void stores.releases.getState().load()
    void stores.deploy.getState().loadDeployments()
    stores.history.getState().reloadKnown()
    void stores.mergeReleases.getState().load()
    void stores.team.getState().load()
    void stores.pulls.getState().load()
    if (stores.ledger.getState().loaded) void stores.ledger.getState().load()
    // Lanes already shown re-read their hosts (deploy events may have been missed).
    for (const name of Object.keys(stores.deploy.getState().environments)) {
      void stores.deploy.getState().loadStatus(name)
    }
  }
  const resetDeploys = (): void => {
    stores.releases.getState().reset()
    stores.deploy.getState().reset()
    stores.history.getState().reset()
    stores.mergeReleases.getState().reset()
    stores.team.getState().reset()
    stores.tickets.getState().reset()
    stores.pulls.getState().reset()
    stores.ledger.getState().reset()
  }

  let listedFor = listingKey(stores.workspace.getState().workspace)
  const offWorkspace = stores.workspace.subscribe((state) => {
    const key = listingKey(state.workspace)
    if (key === listedFor) return
    const samePath = key !== null && listedFor !== null && pathOf(key) === pathOf(listedFor)
    listedFor = key
    if (!samePath) stores.branches.getState().reset()
    if (!samePath) resetDeploys()
    if (!samePath) stores.tests.getState().reset()
    if (!samePath) stores.branchEnvs.getState().reset()
    if (!samePath) stores.trust.getState().reset()
    if (key !== null && !samePath) void stores.trust.getState().load()
    if (key !== null) void stores.branches.getState().load()
    if (key !== null) reloadDeploys()
    if (key !== null) loadTests()
    if (key !== null) loadBranchEnvs()
  })

  return () => {
    offEvents()
    offReconnect()
    offWorkspace()
    refreshBranches.cancel()
    refreshChecks.cancel()
  }
}

/** What the branch listing depends on; null when no workspace is open. */
function listingKey(workspace: Workspace | null): string | null {
  if (!workspace) return null
  return JSON.stringify([
    workspace.path,
    workspace.mainBranch,
    workspace.config.tickets.pattern,
    // A fixed (or broken) slipway.yml turns testing on (or off).
    workspace.config.test?.command ?? null,
    workspace.config.branchEnvironments?.run ?? null
  ])
}

function pathOf(key: string): string {
  return (JSON.parse(key) as string[])[0]
}

/**
 * Runs `task` once per burst of requests: the first request starts a `delayMs` window, and a
 * request arriving while the task runs queues exactly one more run after it.
 */
function coalesce(task: () => Promise<void>, delayMs: number) {
  let timer: ReturnType<typeof setTimeout> | null = null
  let running = false
  let again = false
  let cancelled = false

  const start = (): void => {
    timer = null
    running = true
    void task().finally(() => {
      running = false
      if (again && !cancelled) {
        again = false
        schedule()
      }
    })
  }
  const schedule = (): void => {
    if (!timer) timer = setTimeout(start, delayMs)
  }

  return {
    request(): void {
      if (cancelled) return
      if (running) again = true
      else schedule()
    },
    cancel(): void {
      cancelled = true
      if (timer) clearTimeout(timer)
      timer = null
    }
  }
}
