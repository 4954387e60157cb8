import type { SyncStatusModel, teamMethods } from '../../shared/contract-team'
import type { Workspace } from '../../shared/models'
import type { MergeTests } from '../services/pull-requests'
import type { TestDomain } from './handlers-test-runs'
import { Team, type SyncStatus } from '../services/team'
import { workspaceDataDir } from '../services/workspace'
import type { DomainHandlers, HandlerContext } from './handlers'
import { perWorkspace } from './per-workspace'

/** How often a long-lived host syncs team state on its own (as the test watcher fetches). */
export const TEAM_SYNC_INTERVAL_MS = 5 * 60_000

/** The team domain: its handlers, and the open workspace's {@link Team} for tickets and PRs. */
export interface TeamDomain {
  readonly handlers: DomainHandlers<keyof typeof teamMethods>
  /** The open workspace's team services (opened on first use). */
  team(): Promise<Team>
  /** Syncs now (`team.synced` and, when something arrived, `changed` events follow). */
  sync(): Promise<SyncStatusModel>
}

interface OpenTeam {
  readonly workspace: Workspace
  team: Promise<Team> | null
  timer: NodeJS.Timeout | null
  closed: boolean
}

/**
 * One {@link Team} per open workspace, opened on first use (so `slipway branches` never reads
 * team state). Long-lived hosts start syncing on the fetch interval when the board first asks
 * for the sync status; one-shot CLI commands sync only when asked.
 */
export function createTeamDomain(
  ctx: HandlerContext,
  mergeTests: () => MergeTests | null
): TeamDomain {
  const opened = perWorkspace(
    ctx.session,
    (workspace): OpenTeam => ({ workspace, team: null, timer: null, closed: false }),
    (entry) => {
      entry.closed = true
      if (entry.timer) clearInterval(entry.timer)
    }
  )

  const team = (): Promise<Team> => {
    const entry = opened()
    if (entry.team) return entry.team
    const { workspace } = entry
    const opening = workspaceDataDir(ctx.dataDir, workspace.path).then((dataDir) =>
      Team.open({
        repo: workspace.path,
        config: workspace.config,
        mainBranch: workspace.mainBranch,
        mergeTests: mergeTests(),
        dataDir
      })
    )
    entry.team = opening
    // Every sync (the button, the interval, and those inside opening, reviewing and merging
    // pull requests or numbering tickets) tells the board when origin was last reached.
    void opening.then(
      (t) =>
        t.sync.onSynced((status, out) => {
          if (entry.closed) return
          ctx.emit({ event: 'team.synced', payload: { status: statusModel(status) } })
          if (out.kind === 'synced' && out.received > 0) {
            ctx.emit({ event: 'tickets.changed', payload: { reason: 'sync' } })
            ctx.emit({ event: 'pullRequests.changed', payload: { reason: 'sync' } })
            ctx.emit({ event: 'promotions.changed', payload: { promotion: null } })
            // Teammates' ledger entries (approvals, their deployments) arrive the same way.
            ctx.emit({
              event: 'ledger.changed',
              payload: { kind: 'appended', summary: 'entries from a sync' }
            })
          }
        }),
      // A team that could not open is answered by the caller awaiting `opening`.
      () => undefined
    )
    opening.catch(() => {
      if (entry.team === opening) entry.team = null
    })
    return opening
  }

  // The events go out from the listener above, for this sync as for every other.
  const sync = async (): Promise<SyncStatusModel> => {
    const t = await team()
    await t.sync.sync()
    return statusModel(t.sync.current())
  }

  const startInterval = (): void => {
    const entry = opened()
    if (entry.timer || entry.closed) return
    entry.timer = setInterval(() => {
      sync().catch((err: unknown) => ctx.log('team sync failed', err))
    }, TEAM_SYNC_INTERVAL_MS)
    entry.timer.unref()
  }

  return {
    handlers: {
      'team.sync': () => sync(),
      'team.status': async () => {
        startInterval()
        return statusModel((await team()).sync.current())
      }
    },
    team,
    sync
  }
}

/**
 * Pull requests' view of the test domain: stored runs are read without starting continuous
 * testing (so `slipway pr show` tests nothing), and a merge that needs a run requests it (in a
 * one-shot router the service starts paused, so `slipway pr merge` runs only that one).
 */
export function mergeTestsFrom(tests: TestDomain): MergeTests | null {
  if (!tests.configured()) return null
  return {
    runsOf: async (head) =>
      (await tests.runs()).filter((r) => r.kind === 'merge' && r.sha === head),
    request: async (headRef) =>
      (await tests.service()).request({
        branch: headRef,
        kind: 'merge',
        reason: 'pull request'
      }),
    whenFinished: async (runId) => (await tests.service()).whenFinished(runId)
  }
}

/** The sync status as the contract carries it (plain arrays). */
function statusModel(s: SyncStatus): SyncStatusModel {
  const last = s.last
  return {
    lastReachedAt: s.lastReachedAt,
    lastAttemptAt: s.lastAttemptAt,
    last:
      last === null || last.kind === 'no-origin'
        ? last
        : { ...last, problems: last.problems.map((p) => ({ ref: p.ref, reason: p.reason })) }
  }
}
