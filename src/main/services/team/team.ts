/**
 * Everything a workspace shares with its team, wired together once per open workspace: the
 * team-state store, its sync with origin, tickets and pull requests.
 */
import type { SlipwayConfig } from '../../../shared/config-schema'
import type { BranchListing } from '../../../shared/models'
import { ticketPrefixOf } from '../../../shared/ticket-models'
import { BranchReader } from '../git'
import { TeamStateStore } from '../team-state'
import { EmbeddedTracker, TicketsService } from '../tickets'
import { TeamSync } from './team-sync'

/** What a {@link Team} is opened with. */
export interface TeamOptions {
  readonly repo: string
  readonly config: SlipwayConfig
  readonly mainBranch: string
  /** The board's branch listing; default: a reader of its own. */
  readonly listBranches?: () => Promise<BranchListing>
}

/** The team services of one workspace. */
export class Team {
  private constructor(
    readonly store: TeamStateStore,
    readonly sync: TeamSync,
    readonly tracker: EmbeddedTracker,
    readonly tickets: TicketsService
  ) {}

  /** Opens the team state of the repository at `options.repo`. */
  static async open(options: TeamOptions): Promise<Team> {
    const store = await TeamStateStore.open(options.repo)
    let tracker: EmbeddedTracker | null = null
    const sync = new TeamSync(store, async () => tracker?.ensureSpare())
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
    const tickets = new TicketsService({
      repo: options.repo,
      mainBranch: options.mainBranch,
      ticketPattern: options.config.tickets.pattern,
      tracker,
      listBranches
    })
    return new Team(store, sync, tracker, tickets)
  }
}
