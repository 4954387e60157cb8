import { createStore, type StoreApi } from 'zustand'
import type {
  StartWorkResult,
  Ticket,
  TicketDetail,
  TicketStatus,
  TicketType
} from '../../../shared/ticket-models'
import { describeError, type ApiClient } from '../api/client'
import type { UiError } from './workspace-store'

/** The tickets view's filters; every one optional, combined with "and". */
export interface TicketFilters {
  readonly status: readonly TicketStatus[]
  readonly type: TicketType | null
  /** A name or email; '' for any. */
  readonly assignee: string
  readonly text: string
}

/** Which ticket request is in flight. */
export type TicketsPending = 'create' | 'start' | 'edit' | null

/** The tickets view, the ticket open in its dialog, and what is being done to them. */
export interface TicketsState {
  /** The tickets view is shown (instead of the board). */
  readonly viewOpen: boolean
  readonly filters: TicketFilters
  readonly tickets: readonly Ticket[]
  readonly loading: boolean
  readonly loaded: boolean
  /** The key of the ticket open in the ticket dialog. */
  readonly openKey: string | null
  readonly detail: TicketDetail | null
  readonly creating: boolean
  readonly pending: TicketsPending
  /** What the last Start work did (shown in the ticket dialog). */
  readonly started: StartWorkResult | null
  readonly error: UiError | null
}

/** What the UI and the event subscriptions may do with tickets. */
export interface TicketsActions {
  showView(): void
  hideView(): void
  setFilters(patch: Partial<TicketFilters>): void
  load(): Promise<void>
  /** Opens the ticket dialog on `key` (a ticket chip, a row of the view). */
  openTicket(key: string): Promise<void>
  closeTicket(): void
  /** Shows the new-ticket form. */
  startCreating(): void
  cancelCreating(): void
  /** Creates a ticket and opens it; null when it failed (the error says why). */
  create(input: { title: string; description?: string; type?: TicketType }): Promise<Ticket | null>
  /** Start work on the open ticket: its branch from main, switching the checkout if asked. */
  startWork(switchTo: boolean): Promise<StartWorkResult | null>
  /** Sets the open ticket's status. */
  setStatus(status: TicketStatus): Promise<void>
  /** A `tickets.changed` event. */
  changed(): void
  dismissError(): void
  reset(): void
}

/** The tickets store's full shape. */
export type TicketsStore = TicketsState & TicketsActions

/** Every status, in the order of a ticket's life. */
export const TICKET_STATUSES: readonly TicketStatus[] = [
  'open',
  'in-progress',
  'in-review',
  'done',
  'closed'
]
/** Every type. */
export const TICKET_TYPES: readonly TicketType[] = ['task', 'bug', 'feature', 'chore']

/** Defaults: the view closed, the tickets still to do. */
export const TICKETS_DEFAULTS: TicketsState = {
  viewOpen: false,
  filters: { status: ['open', 'in-progress', 'in-review'], type: null, assignee: '', text: '' },
  tickets: [],
  loading: false,
  loaded: false,
  openKey: null,
  detail: null,
  creating: false,
  pending: null,
  started: null,
  error: null
}

/** Creates the tickets store over an API client (a fake one in tests). */
export function createTicketsStore(client: ApiClient): StoreApi<TicketsStore> {
  let generation = 0
  let listRequest = 0
  return createStore<TicketsStore>()((set, get) => {
    const loadDetail = async (key: string): Promise<void> => {
      const at = generation
      try {
        const detail = await client.call('tickets.get', { key })
        if (at === generation && get().openKey === key) set({ detail })
      } catch (error) {
        if (at === generation && get().openKey === key) set({ error: describeError(error) })
      }
    }
    return {
      ...TICKETS_DEFAULTS,

      showView() {
        set({ viewOpen: true })
        void get().load()
      },
      hideView() {
        set({ viewOpen: false })
      },
      setFilters(patch) {
        set((s) => ({ filters: { ...s.filters, ...patch } }))
        void get().load()
      },

      async load() {
        const at = generation
        const mine = ++listRequest
        const f = get().filters
        set({ loading: true })
        try {
          const tickets = await client.call('tickets.list', {
            ...(f.status.length > 0 ? { status: [...f.status] } : {}),
            ...(f.type ? { type: [f.type] } : {}),
            ...(f.assignee.trim() ? { assignee: f.assignee.trim() } : {}),
            ...(f.text.trim() ? { text: f.text.trim() } : {})
          })
          // Only the newest answer counts: filters typed quickly race.
          if (at === generation && mine === listRequest) {
            set({ tickets, loading: false, loaded: true, error: null })
          }
        } catch (error) {
          if (at === generation && mine === listRequest) {
            set({ loading: false, loaded: true, error: describeError(error) })
          }
        }
      },

      async openTicket(key) {
        set({ openKey: key, detail: null, started: null, error: null })
        await loadDetail(key)
      },
      closeTicket() {
        set({ openKey: null, detail: null, started: null })
      },
      startCreating() {
        set({ creating: true, error: null })
      },
      cancelCreating() {
        set({ creating: false, error: null })
      },

      async create(input) {
        set({ pending: 'create', error: null })
        try {
          const ticket = await client.call('tickets.create', {
            title: input.title,
            ...(input.description ? { description: input.description } : {}),
            ...(input.type ? { type: input.type } : {})
          })
          set({ pending: null, creating: false })
          void get().load()
          void get().openTicket(ticket.key)
          return ticket
        } catch (error) {
          set({ pending: null, error: describeError(error) })
          return null
        }
      },

      async startWork(switchTo) {
        const key = get().openKey
        if (!key) return null
        set({ pending: 'start', error: null })
        try {
          const started = await client.call('tickets.startWork', { key, switchTo })
          set({ pending: null, started })
          void loadDetail(key)
          return started
        } catch (error) {
          set({ pending: null, error: describeError(error) })
          return null
        }
      },

      async setStatus(status) {
        const key = get().openKey
        if (!key) return
        set({ pending: 'edit', error: null })
        try {
          await client.call('tickets.edit', { key, changes: { status } })
          set({ pending: null })
          void loadDetail(key)
          void get().load()
        } catch (error) {
          set({ pending: null, error: describeError(error) })
        }
      },

      changed() {
        if (get().viewOpen || get().loaded) void get().load()
        const key = get().openKey
        if (key) void loadDetail(key)
      },

      dismissError() {
        set({ error: null })
      },

      reset() {
        generation++
        set(TICKETS_DEFAULTS)
      }
    }
  })
}
