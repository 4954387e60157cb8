/**
 * Everything a workspace shares with its team, wired together once per open workspace: the
 * team-state store, its sync with origin, tickets and pull requests.
 */
import type { SlipwayConfig } from '../../../shared/config-schema'
import { fetchTimeoutMs } from '../../../shared/timeouts'
import type { BranchListing } from '../../../shared/models'
import { ticketPrefixOf } from '../../../shared/ticket-models'
import { BranchReader } from '../git'
import { TeamStateStore } from '../team-state'
import { PullRequestsService, type MergeTests } from '../pull-requests'
import { EmbeddedTracker, TicketsService } from '../tickets'
import { TeamSync } from './team-sync'

/** What a {@link Team} is opened with. */
export interface TeamOptions {
  readonly repo: string
  readonly config: SlipwayConfig
  readonly mainBranch: string
  /** The board's branch listing; default: a reader of its own. */
  readonly listBranches?: () => Promise<BranchListing>
  /** Merge-result testing (the workspace's TestService); null without test.command. */
  readonly mergeTests?: MergeTests | null
  /** The workspace's data folder (releases and deployments, for a ticket's view). */
  readonly dataDir?: string
}

const STATUS_ORDER = ['open', 'in-progress', 'in-review', 'done', 'closed'] as const

/** The team services of one workspace. */
export class Team {
  private constructor(
    readonly store: TeamStateStore,
    readonly sync: TeamSync,
    readonly tracker: EmbeddedTracker,
    readonly tickets: TicketsService,
    readonly pullRequests: PullRequestsService
  ) {}

  /** Opens the team state of the repository at `options.repo`. */
  static async open(options: TeamOptions): Promise<Team> {
    const store = await TeamStateStore.open(options.repo)
    let tracker: EmbeddedTracker | null = null
    const sync = new TeamSync(
      store,
      async () => tracker?.ensureSpare(),
      undefined,
      fetchTimeoutMs(options.config)
    )
    tracker = new EmbeddedTracker({
      store,
      prefix: ticketPrefixOf(options.config),
      ticketPattern: options.config.tickets.pattern,
      publish: () => sync.publish(),
      hasOrigin: () => sync.hasOrigin()
    })
    const reader = options.listBranches
      ? null
      : new BranchReader(options.repo, {
          mainBranch: options.mainBranch,
          ticketPattern: options.config.tickets.pattern
        })
    const listBranches = options.listBranches ?? (() => (reader as BranchReader).list())
    const known = tracker
    const pullRequests = new PullRequestsService({
      repo: options.repo,
      mainBranch: options.mainBranch,
      config: options.config,
      store,
      tests: options.config.test ? (options.mergeTests ?? null) : null,
      sync,
      tickets: {
        describe: async (key) => {
          const t = (await known.list()).find((x) => x.key === key)
          return t ? { title: t.title, description: t.description } : null
        },
        advance: async (key, to) => {
          const t = (await known.list()).find((x) => x.key === key)
          // Only forward: a ticket someone already closed stays closed.
          if (t && STATUS_ORDER.indexOf(t.status) < STATUS_ORDER.indexOf(to)) {
            await known.edit(key, { status: to })
          }
        }
      }
    })
    const tickets = new TicketsService({
      repo: options.repo,
      mainBranch: options.mainBranch,
      ticketPattern: options.config.tickets.pattern,
      tracker,
      listBranches,
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      pullRequestsOf: async (key) =>
        (await pullRequests.list())
          .filter((p) => p.ticket === key)
          .map((p) => ({ id: p.id, branch: p.branch, title: p.title, state: p.state }))
    })
    return new Team(store, sync, tracker, tickets, pullRequests)
  }
}
