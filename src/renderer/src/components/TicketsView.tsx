import { useState } from 'react'
import type { TicketStatus, TicketType } from '../../../shared/ticket-models'
import { formatRelative } from '../lib/format'
import { useStores } from '../stores/hooks'
import { TICKET_STATUSES, TICKET_TYPES } from '../stores/tickets-store'
import { useTickets } from '../stores/use-team'
import { DeployModal } from './DeployModal'

/** The tickets view: filters (status, type, assignee, text), the list, and a new ticket. */
export function TicketsView({ now }: { readonly now: number }): React.JSX.Element | null {
  const { tickets: store } = useStores()
  const open = useTickets((s) => s.viewOpen)
  const filters = useTickets((s) => s.filters)
  const tickets = useTickets((s) => s.tickets)
  const loading = useTickets((s) => s.loading)
  const loaded = useTickets((s) => s.loaded)
  const error = useTickets((s) => s.error)
  const creating = useTickets((s) => s.creating)
  if (!open) return null
  const actions = store.getState()
  const toggleStatus = (status: TicketStatus): void => {
    const has = filters.status.includes(status)
    actions.setFilters({
      status: has ? filters.status.filter((s) => s !== status) : [...filters.status, status]
    })
  }
  return (
    <DeployModal title="Tickets" testId="tickets-view" onClose={() => actions.hideView()} wide>
      <div className="modal-body">
        <div className="ticket-filters" role="group" aria-label="Filters">
          <label className="field grow">
            <span>Search</span>
            <input
              type="search"
              value={filters.text}
              placeholder="key or words of the title"
              data-testid="tickets-search"
              onChange={(e) => actions.setFilters({ text: e.target.value })}
            />
          </label>
          <label className="field">
            <span>Type</span>
            <select
              value={filters.type ?? ''}
              onChange={(e) =>
                actions.setFilters({ type: (e.target.value || null) as TicketType | null })
              }
            >
              <option value="">any</option>
              {TICKET_TYPES.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>Assignee</span>
            <input
              value={filters.assignee}
              placeholder="anyone"
              onChange={(e) => actions.setFilters({ assignee: e.target.value })}
            />
          </label>
          <fieldset className="status-filter">
            <legend>Status</legend>
            {TICKET_STATUSES.map((s) => (
              <label key={s} className="check-label">
                <input
                  type="checkbox"
                  checked={filters.status.includes(s)}
                  onChange={() => toggleStatus(s)}
                />
                {s}
              </label>
            ))}
          </fieldset>
        </div>
        <div className="ticket-toolbar">
          <span className="muted" role="status">
            {loading && !loaded
              ? 'Reading tickets…'
              : `${tickets.length} ticket${tickets.length === 1 ? '' : 's'}`}
          </span>
          {!creating && (
            <button
              type="button"
              className="primary"
              data-testid="ticket-new"
              onClick={() => actions.startCreating()}
            >
              New ticket
            </button>
          )}
        </div>
        {creating && <NewTicketForm />}
        {error && !creating && (
          <p className="form-error" role="alert">
            {error.message}
          </p>
        )}
        <ul className="ticket-list" data-testid="ticket-list">
          {tickets.map((t) => (
            <li key={t.id}>
              <button
                type="button"
                className="ticket-row"
                data-testid="ticket-row"
                data-key={t.key}
                onClick={() => void actions.openTicket(t.key)}
              >
                <span className="ticket-key">{t.key}</span>
                <span className="ticket-title">{t.title}</span>
                <span className={`ticket-status status-${t.status}`}>{t.status}</span>
                <span className="muted">{t.type}</span>
                <span className="muted">{t.assignee ?? 'unassigned'}</span>
                <span className="muted">{formatRelative(t.updatedAt, now)}</span>
              </button>
            </li>
          ))}
        </ul>
      </div>
    </DeployModal>
  )
}

function NewTicketForm(): React.JSX.Element {
  const { tickets: store } = useStores()
  const pending = useTickets((s) => s.pending)
  const error = useTickets((s) => s.error)
  const [title, setTitle] = useState('')
  const [type, setType] = useState<TicketType>('task')
  const [description, setDescription] = useState('')
  return (
    <form
      className="new-ticket"
      data-testid="ticket-form"
      onSubmit={(e) => {
        e.preventDefault()
        if (!title.trim()) return
        void store.getState().create({ title: title.trim(), type, description })
      }}
    >
      <label className="field">
        <span>Title</span>
        <input
          autoFocus
          value={title}
          data-testid="ticket-title"
          onChange={(e) => setTitle(e.target.value)}
        />
      </label>
      <label className="field">
        <span>Type</span>
        <select value={type} onChange={(e) => setType(e.target.value as TicketType)}>
          {TICKET_TYPES.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Description</span>
        <textarea rows={3} value={description} onChange={(e) => setDescription(e.target.value)} />
      </label>
      {error && (
        <p className="form-error" role="alert">
          {error.message}
        </p>
      )}
      <div className="form-actions">
        <button type="button" onClick={() => store.getState().cancelCreating()}>
          Cancel
        </button>
        <button
          type="submit"
          className="primary"
          data-testid="ticket-create"
          disabled={!title.trim() || pending === 'create'}
        >
          {pending === 'create' ? 'Creating…' : 'Create ticket'}
        </button>
      </div>
    </form>
  )
}
