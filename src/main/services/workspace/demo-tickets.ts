/**
 * The demo's tickets: every key its history names (in branch names and commit subjects) is a
 * ticket in the embedded tracker, so each ticket chip on the board opens a real ticket, created
 * by the person of the history who first worked on it, at that time.
 */
import type { TicketStatus, TicketType } from '../../../shared/ticket-models'
import { EmbeddedTracker } from '../tickets'
import { TeamStateStore } from '../team-state'
import { DEMO_COMMITS, DEMO_EPOCH_SECONDS } from './demo-history'

/** One ticket of the demo, keyed as its history names it. */
export interface DemoTicket {
  readonly key: string
  readonly title: string
  readonly type: TicketType
  readonly status: TicketStatus
  /** Who works on it (open tickets). */
  readonly assignee: string | null
  readonly description: string
}

const done = (key: string, title: string, type: TicketType = 'feature'): DemoTicket => ({
  key,
  title,
  type,
  status: 'done',
  assignee: null,
  description: ''
})

/** Every ticket of the demo history, in key order. */
export const DEMO_TICKETS: readonly DemoTicket[] = [
  done('ORD-101', 'Scaffold the orders service', 'chore'),
  done('ORD-102', 'Validate incoming orders'),
  done('ORD-103', 'Compute order totals with tax'),
  done('ORD-104', 'List and create orders over HTTP'),
  done('ORD-105', 'Read the release id from the RELEASE file', 'task'),
  done('ORD-107', 'Build script: copy the app into dist/ and stamp RELEASE', 'chore'),
  done('ORD-108', 'Add the Slipway pipeline', 'chore'),
  done('ORD-110', 'Fetch one order by id'),
  done('ORD-112', 'Document how to run the service locally', 'task'),
  done('ORD-115', 'Reject orders with more than 50 items'),
  {
    key: 'ORD-120',
    title: 'Export orders as CSV for finance',
    type: 'feature',
    status: 'in-progress',
    assignee: 'Dana Levi',
    description: 'Finance wants one CSV row per order, totals in cents, for the monthly close.'
  },
  {
    key: 'ORD-131',
    title: 'Order totals are off by a cent with three-decimal prices',
    type: 'bug',
    status: 'in-progress',
    assignee: 'Ben Okafor',
    description: 'A price of 0.125 × 3 gives 0.37 on the invoice and 0.38 in the totals.'
  },
  done('ORD-137', 'Let customers add a note to an order'),
  {
    key: 'ORD-142',
    title: 'Refund an order over HTTP',
    type: 'feature',
    status: 'in-progress',
    assignee: 'Chen Wei',
    description:
      'POST /orders/:id/refund refunds part or all of an order, never more than was paid.'
  },
  {
    key: 'ORD-150',
    title: 'Apply discount codes to order totals',
    type: 'feature',
    status: 'in-progress',
    assignee: 'Dana Levi',
    description: 'A code takes a percentage off the total before tax.'
  }
]

/**
 * Writes {@link DEMO_TICKETS} into the demo repository at `repo` as team state (refs/slipway),
 * each created by the author of the first commit naming its key, an hour before that commit.
 */
export async function recordDemoTickets(repo: string): Promise<void> {
  const store = await TeamStateStore.open(repo)
  const tracker = new EmbeddedTracker({
    store,
    prefix: 'ORD',
    ticketPattern: 'ORD-[0-9]+',
    // Nothing is published here: the demo's origin is made afterwards, and the first sync
    // takes the tickets there.
    publish: async () => false,
    hasOrigin: async () => false
  })
  await tracker.recordAll(
    DEMO_TICKETS.map((ticket) => {
      const first = DEMO_COMMITS.find((c) => new RegExp(`\\b${ticket.key}\\b`).test(c.message))
      if (!first) throw new Error(`demo ticket ${ticket.key} is named by no demo commit`)
      return {
        ...ticket,
        author: first.author,
        createdAt: new Date((DEMO_EPOCH_SECONDS + (first.hour - 1) * 3600) * 1000)
      }
    })
  )
}
