import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import type { Promotion } from '../../../shared/promotion-models'
import type { Ticket, TicketDetail } from '../../../shared/ticket-models'
import { StoresContext } from '../stores/hooks'
import { createStores, type Stores } from '../stores/stores'
import { createFakeClient, makeWorkspace, type FakeClient } from '../test/fake-client'
import { PromoteDialog } from './PromoteDialog'
import { PromotionNote } from './PromotionNote'
import { TicketDialog } from './TicketDialog'

const R1 = '20261203.0500-abc1234'
const ANA = { name: 'Ana Lima', email: 'ana@example.com' }
const BEN = { name: 'Ben Okafor', email: 'ben@example.com' }
const AT = '2026-12-03T05:00:00.000Z'
const NOW = Date.parse('2026-12-03T05:30:00.000Z')

function promotion(overrides: Partial<Promotion> = {}): Promotion {
  return {
    id: 'p1',
    release: R1,
    sha256: 'a'.repeat(64),
    commit: 'c'.repeat(40),
    from: 'staging',
    to: 'production',
    requestedBy: ANA,
    requestedAt: AT,
    reason: 'weekly',
    ships: {
      since: null,
      commits: [
        {
          sha: 'c'.repeat(40),
          subject: 'ORD-1 Orders app',
          author: ANA,
          revert: false,
          tickets: ['ORD-1']
        }
      ],
      tickets: [
        { key: 'ORD-1', title: 'Orders app', type: 'feature', status: 'done', resolved: true }
      ]
    },
    approvals: [],
    required: 1,
    approved: 0,
    state: 'pending',
    pending: ['approvals: 1 more approval needed (0 of 1)'],
    outcome: null,
    changeTicket: 'ORD-2',
    ...overrides
  }
}

function ticket(overrides: Partial<Ticket>): Ticket {
  return {
    id: 't',
    key: 'ORD-1',
    prefix: 'ORD',
    number: 1,
    keyConfirmed: true,
    title: 'Orders app',
    description: '',
    type: 'feature',
    status: 'done',
    assignee: null,
    createdBy: ANA,
    createdAt: AT,
    updatedAt: AT,
    changes: 1,
    ...overrides
  }
}

const CHANGE_TICKET: TicketDetail = {
  ticket: ticket({
    key: 'ORD-2',
    number: 2,
    type: 'change',
    title: `Change: ${R1} from staging to production`,
    description: '## What ships\n- ORD-1 Orders app',
    change: {
      promotion: 'p1',
      release: R1,
      commit: 'c'.repeat(40),
      from: 'staging',
      to: 'production',
      requestedBy: ANA,
      reason: 'weekly',
      tickets: [{ key: 'ORD-1', title: 'Orders app' }],
      commits: [
        { sha: 'c'.repeat(40), subject: 'ORD-1 Orders app', revert: false },
        { sha: 'd'.repeat(40), subject: 'Revert "ORD-0 Old"', revert: true }
      ],
      approvals: [{ by: BEN, at: AT, signed: true }],
      outcome: {
        status: 'succeeded',
        deployment: 'd-42',
        summary: `Deployed ${R1} to production (2 hosts) in 3.1 s.`,
        by: ANA,
        at: AT
      }
    }
  }),
  branches: [],
  commits: [],
  pullRequests: [],
  releases: [],
  environments: []
}

const SHIPPED_TICKET: TicketDetail = {
  ticket: ticket({}),
  branches: [],
  commits: [],
  pullRequests: [],
  releases: [],
  environments: [],
  changes: [
    {
      key: 'ORD-2',
      title: `Change: ${R1} from staging to production`,
      to: 'production',
      release: R1,
      status: 'done',
      outcome: 'succeeded'
    }
  ]
}

const flush = (): Promise<void> => act(() => new Promise<void>((r) => setTimeout(r, 0)))

function setup(client: FakeClient, me: string | null): Stores {
  const stores = createStores(client)
  stores.workspace.setState({ initialized: true, workspace: makeWorkspace() })
  stores.branches.setState({ mine: { email: me, names: [] } })
  render(
    <StoresContext.Provider value={stores}>
      <PromotionNote environment="production" />
      <PromoteDialog />
      <TicketDialog now={NOW} />
    </StoresContext.Provider>
  )
  return stores
}

afterEach(cleanup)

describe('PromoteDialog: change ticket and withdrawal', () => {
  it('shows the change ticket on the lane and in the dialog (opening it), and lets the requester withdraw with a reason', async () => {
    let list = [promotion()]
    const client = createFakeClient({
      'promotions.list': () => list,
      'promotions.preview': () => promotion({ changeTicket: null }),
      'promotions.cancel': () => {
        const ended = promotion({
          state: 'ended',
          pending: [],
          outcome: {
            status: 'cancelled',
            deployment: null,
            summary: 'withdrawn by ana@example.com: found a bug on staging',
            by: ANA,
            at: AT
          }
        })
        list = [ended]
        return ended
      },
      'tickets.get': ({ key }) => (key === 'ORD-2' ? CHANGE_TICKET : SHIPPED_TICKET)
    })
    const stores = setup(client, 'ANA@example.com')
    await act(() => stores.promotions.getState().load())

    // The lane: the open promotion and its change ticket, which opens the ticket.
    expect(screen.getByTestId('promotion-change-production').textContent).toBe(
      'change ticket ORD-2'
    )
    fireEvent.click(screen.getByTestId('promotion-production'))
    await flush()
    const dialog = screen.getByTestId('promote-dialog')
    const line = within(dialog).getByTestId('promote-change-ticket')
    expect(line.textContent).toContain('Change ticket ORD-2')
    fireEvent.click(within(line).getByRole('button', { name: 'ORD-2' }))
    await flush()
    expect(client.callsOf('tickets.get')).toEqual([{ key: 'ORD-2' }])
    expect(screen.getByTestId('ticket-dialog').textContent).toContain('What ships')
    act(() => stores.tickets.getState().closeTicket())

    // The requester withdraws: Withdraw… asks why, then sends it.
    const withdraw = within(dialog).getByTestId('promote-withdraw') as HTMLButtonElement
    expect(withdraw.disabled).toBe(false)
    expect(within(dialog).queryByTestId('promote-withdraw-why')).toBeNull()
    fireEvent.click(withdraw)
    fireEvent.change(within(dialog).getByTestId('promote-withdraw-reason'), {
      target: { value: '  found a bug on staging ' }
    })
    fireEvent.click(within(dialog).getByTestId('promote-withdraw-confirm'))
    await flush()
    expect(client.callsOf('promotions.cancel')).toEqual([
      { release: R1, environment: 'production', reason: 'found a bug on staging' }
    ])
    expect(within(dialog).getByTestId('promote-withdrawn').textContent).toBe(
      `The promotion of ${R1} to production was withdrawn by ana@example.com: found a bug on staging; change ticket ORD-2 is closed. It can be requested again.`
    )
    expect(within(dialog).queryByTestId('promote-withdraw')).toBeNull()
    expect(within(dialog).getByTestId('promote-start').textContent).toBe(
      'Request promotion to production'
    )
    expect(screen.queryByTestId('promotion-production')).toBeNull()
  })

  it('explains in words why Withdraw and Approve are off for someone else', async () => {
    const approved = promotion({
      state: 'approved',
      approved: 1,
      pending: [],
      approvals: [{ id: 'a1', by: BEN, at: AT, signed: true, valid: true, why: null }]
    })
    const client = createFakeClient({
      'promotions.list': () => [approved],
      'promotions.preview': () => approved
    })
    const stores = setup(client, 'ben@example.com')
    await act(() => stores.promotions.getState().load())
    await act(() => stores.promotions.getState().open(R1, 'production'))
    const dialog = screen.getByTestId('promote-dialog')
    const withdraw = within(dialog).getByTestId('promote-withdraw') as HTMLButtonElement
    expect(withdraw.disabled).toBe(true)
    expect(withdraw.getAttribute('aria-describedby')).toBe('promote-withdraw-why')
    expect(within(dialog).getByTestId('promote-withdraw-why').textContent).toBe(
      'Only Ana Lima <ana@example.com>, who requested this promotion, can withdraw it (you are ben@example.com).'
    )
    const approve = within(dialog).getByTestId('promote-approve') as HTMLButtonElement
    expect(approve.disabled).toBe(true)
    expect(approve.getAttribute('aria-describedby')).toBe('promote-approve-why')
    expect(within(dialog).getByTestId('promote-approve-why').textContent).toBe(
      'You approved this promotion already (signed); it counts toward the 1 required.'
    )

    // An approval that does not count may be given again; without an identity, say how to set it.
    act(() =>
      stores.promotions.setState({
        promotions: [
          {
            ...approved,
            state: 'pending',
            approved: 0,
            approvals: [{ ...approved.approvals[0]!, valid: false, why: 'not signed' }]
          }
        ]
      })
    )
    expect((within(dialog).getByTestId('promote-approve') as HTMLButtonElement).disabled).toBe(
      false
    )
    act(() => stores.branches.setState({ mine: { email: null, names: [] } }))
    expect(within(dialog).getByTestId('promote-withdraw-why').textContent).toBe(
      'Withdraw needs to know who you are, and git does not here: set it with git config user.email you@example.com (and git config user.name "Your Name"). Only ana@example.com, who requested this promotion, can withdraw it.'
    )
  })
})

describe('TicketDialog: change tickets', () => {
  it('shows a change ticket’s record (what ships, approvals, outcome) and a shipped ticket’s promotions', async () => {
    const client = createFakeClient({
      'tickets.get': ({ key }) => (key === 'ORD-2' ? CHANGE_TICKET : SHIPPED_TICKET)
    })
    const stores = setup(client, 'ana@example.com')
    await act(() => stores.tickets.getState().openTicket('ORD-1'))
    const shipped = screen.getByTestId('ticket-dialog')
    const changes = within(shipped).getByTestId('ticket-changes')
    expect(changes.textContent).toBe(`PromotionsORD-2 ${R1} to production: succeeded`)
    expect(within(shipped).getByTestId('ticket-start-work')).toBeTruthy()
    expect(within(shipped).getByRole('region', { name: 'Branches' })).toBeTruthy()

    // Its change ticket opens in the same dialog.
    fireEvent.click(within(changes).getByRole('button', { name: 'ORD-2' }))
    await flush()
    const dialog = screen.getByTestId('ticket-dialog')
    const record = within(dialog).getByTestId('ticket-change')
    expect(record.textContent).toContain(
      `Promotion of ${R1} (cccccccc) from staging to production, requested by Ana Lima <ana@example.com>: “weekly”`
    )
    const ships = within(record).getByTestId('ticket-change-ships')
    expect(within(ships).getByRole('button', { name: 'ORD-1' })).toBeTruthy()
    expect(ships.textContent).toContain('Orders app')
    expect(ships.textContent).toContain('dddddddd revert Revert "ORD-0 Old"')
    expect(within(record).getByTestId('ticket-change-approvals').textContent).toContain(
      'Ben Okafor <ben@example.com>, signed'
    )
    expect(within(record).getByTestId('ticket-change-outcome').textContent).toContain(
      `succeeded Deployed ${R1} to production (2 hosts) in 3.1 s. (deployment d-42, Ana Lima, 30 minutes ago)`
    )
    // A change ticket records a promotion: no Start work, and its Markdown is not repeated.
    expect(within(dialog).queryByTestId('ticket-start-work')).toBeNull()
    expect(within(dialog).queryByRole('region', { name: 'Branches' })).toBeNull()
    expect(dialog.textContent).not.toContain('## What ships')
  })
})
