import { describe, expect, it } from 'vitest'
import { ApiCallError } from '../../../shared/errors'
import type { Ticket, TicketDetail } from '../../../shared/ticket-models'
import { createFakeClient, deferred } from '../test/fake-client'
import { createTicketsStore } from './tickets-store'

function ticket(overrides: Partial<Ticket> = {}): Ticket {
  return {
    id: 't1',
    key: 'ORD-151',
    prefix: 'ORD',
    number: 151,
    keyConfirmed: true,
    title: 'Export refunds for finance',
    description: '',
    type: 'task',
    status: 'open',
    assignee: null,
    createdBy: { name: 'Ana Lima', email: 'ana@example.com' },
    createdAt: '2026-12-02T12:00:00.000Z',
    updatedAt: '2026-12-02T12:00:00.000Z',
    changes: 1,
    ...overrides
  }
}

function detail(t: Ticket): TicketDetail {
  return { ticket: t, branches: [], commits: [], pullRequests: [], releases: [], environments: [] }
}

describe('tickets store', () => {
  it('lists with the filters it shows, and only the newest answer counts', async () => {
    const first = deferred<Ticket[]>()
    const answers = [first.promise, Promise.resolve([ticket({ type: 'bug' })])]
    const client = createFakeClient({ 'tickets.list': () => answers.shift() ?? [] })
    const store = createTicketsStore(client)
    store.getState().showView()
    store.getState().setFilters({ type: 'bug', text: '  refunds ' })
    await new Promise((r) => setTimeout(r, 0))
    first.resolve([ticket({ title: 'stale answer' })])
    await new Promise((r) => setTimeout(r, 0))
    expect(store.getState().tickets.map((t) => t.type)).toEqual(['bug'])
    expect(client.callsOf('tickets.list')).toEqual([
      { status: ['open', 'in-progress', 'in-review'] },
      { status: ['open', 'in-progress', 'in-review'], type: ['bug'], text: 'refunds' }
    ])
  })

  it('creates a ticket and opens it; Start work reports why the checkout was not switched', async () => {
    const created = ticket()
    const client = createFakeClient({
      'tickets.list': () => [created],
      'tickets.create': () => created,
      'tickets.get': () => detail(created),
      'tickets.startWork': ({ key }) => ({
        branch: `${key}-export-refunds-for-finance`,
        created: true,
        switched: false,
        notSwitchedReason: 'the checkout has changes to tracked files',
        ticket: { ...created, status: 'in-progress' }
      })
    })
    const store = createTicketsStore(client)
    store.getState().startCreating()
    expect(await store.getState().create({ title: created.title })).toEqual(created)
    await new Promise((r) => setTimeout(r, 0))
    expect(store.getState()).toMatchObject({ creating: false, openKey: 'ORD-151', pending: null })
    expect(store.getState().detail?.ticket.key).toBe('ORD-151')

    const started = await store.getState().startWork(true)
    expect(client.callsOf('tickets.startWork')).toEqual([{ key: 'ORD-151', switchTo: true }])
    expect(started?.notSwitchedReason).toBe('the checkout has changes to tracked files')
    expect(store.getState().started?.branch).toBe('ORD-151-export-refunds-for-finance')
  })

  it('keeps a refused creation on screen with its reason', async () => {
    const client = createFakeClient({
      'tickets.create': () => {
        throw new ApiCallError({ code: 'bad-request', message: 'title: must not be empty' })
      }
    })
    const store = createTicketsStore(client)
    store.getState().startCreating()
    expect(await store.getState().create({ title: ' ' })).toBeNull()
    expect(store.getState()).toMatchObject({ creating: true, pending: null })
    expect(store.getState().error?.message).toBe('title: must not be empty')
  })
})
