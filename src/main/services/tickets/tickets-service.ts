/**
 * Tickets of one workspace: the tracker (the embedded one unless another is plugged in), the
 * ticket view with what links to each ticket, filters, and Start work.
 */
import type { BranchListing } from '../../../shared/models'
import type {
  StartWorkResult,
  Ticket,
  TicketDetail,
  TicketFields,
  TicketStatus,
  TicketType
} from '../../../shared/ticket-models'
import { readIdentity } from '../team-state/git-write'
import { startWorkBranch } from './start-work'
import { branchesOf, commitsOf } from './ticket-links'
import { releasesOf } from './ticket-releases'
import type { NewTicket, Tracker } from './tracker'

/** Filters of the tickets view; all optional, combined with "and". */
export interface TicketFilter {
  readonly status?: readonly TicketStatus[]
  readonly type?: readonly TicketType[]
  /** A name or email; `null` for unassigned tickets. */
  readonly assignee?: string | null
  /** Words that must all appear in the key, title or description (any case). */
  readonly text?: string
}

/** What the tickets service needs. */
export interface TicketsServiceOptions {
  readonly repo: string
  readonly mainBranch: string
  readonly ticketPattern: string
  readonly tracker: Tracker
  /** The board's branch listing (branches and their tickets). */
  readonly listBranches: () => Promise<BranchListing>
  /** Pull requests whose branch or title names the ticket. */
  readonly pullRequestsOf?: (key: string) => Promise<TicketDetail['pullRequests']>
  /** The workspace's data folder (releases, deployment records), when there is one. */
  readonly dataDir?: string
}

/** The tickets of one workspace. */
export class TicketsService {
  constructor(private readonly options: TicketsServiceOptions) {}

  /** The tracker in use. */
  get tracker(): Tracker {
    return this.options.tracker
  }

  /** Tickets matching `filter`, ordered by key. */
  async list(filter: TicketFilter = {}): Promise<Ticket[]> {
    const words = (filter.text ?? '').toLowerCase().split(/\s+/).filter(Boolean)
    return (await this.options.tracker.list()).filter((t) => {
      if (filter.status && !filter.status.includes(t.status)) return false
      if (filter.type && !filter.type.includes(t.type)) return false
      if (filter.assignee !== undefined && t.assignee !== filter.assignee) return false
      const text = `${t.key} ${t.title} ${t.description}`.toLowerCase()
      return words.every((w) => text.includes(w))
    })
  }

  /** One ticket with its branches, commits, pull requests, releases and environments. */
  async detail(key: string): Promise<TicketDetail> {
    const ticket = await this.options.tracker.get(key)
    const listing = await this.options.listBranches()
    const dataDir = this.options.dataDir
    const [commits, pullRequests, shipped] = await Promise.all([
      commitsOf(this.options.repo, ticket.key, this.options.ticketPattern, listing.mainSha),
      this.options.pullRequestsOf?.(ticket.key) ?? Promise.resolve([]),
      dataDir
        ? releasesOf(dataDir, ticket.key)
        : Promise.resolve({ releases: [], environments: [] })
    ])
    return {
      ticket,
      branches: branchesOf(listing, ticket.key),
      commits,
      pullRequests,
      ...shipped,
      changes: await this.changesOf(ticket.key)
    }
  }

  /** The change tickets whose promotion ships `key`, oldest first. */
  private async changesOf(key: string): Promise<NonNullable<TicketDetail['changes']>> {
    const changes: NonNullable<TicketDetail['changes']> = []
    for (const t of await this.options.tracker.list()) {
      const c = t.change
      if (!c || !c.tickets.some((s) => s.key === key)) continue
      changes.push({
        key: t.key,
        title: t.title,
        to: c.to,
        release: c.release,
        status: t.status,
        outcome: c.outcome?.status ?? null
      })
    }
    return changes.sort((a, b) => a.release.localeCompare(b.release))
  }

  /** Creates a ticket. */
  create(input: NewTicket): Promise<Ticket> {
    return this.options.tracker.create(input)
  }

  /** Changes fields of a ticket. */
  edit(key: string, changes: TicketFields): Promise<Ticket> {
    return this.options.tracker.edit(key, changes)
  }

  /**
   * Creates the ticket's branch from main and, when `switchTo` and the checkout is clean,
   * switches to it; an open ticket becomes in progress, assigned to you if it was unassigned.
   */
  async startWork(key: string, switchTo: boolean): Promise<StartWorkResult> {
    const ticket = await this.options.tracker.get(key)
    const started = await startWorkBranch({
      repo: this.options.repo,
      mainBranch: this.options.mainBranch,
      ticketPattern: this.options.ticketPattern,
      ticket,
      switchTo
    })
    let now = ticket
    if (ticket.status === 'open') {
      const changes: TicketFields = { status: 'in-progress' }
      if (ticket.assignee === null) {
        changes.assignee = (await readIdentity(this.options.repo)).name
      }
      now = await this.options.tracker.edit(ticket.key, changes)
    }
    return { ...started, ticket: now }
  }
}
