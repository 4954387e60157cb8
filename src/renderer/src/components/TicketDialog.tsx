import { useState } from 'react'
import type { TicketStatus } from '../../../shared/ticket-models'
import { formatRelative, shortSha } from '../lib/format'
import { useStores } from '../stores/hooks'
import { TICKET_STATUSES } from '../stores/tickets-store'
import { useTickets } from '../stores/use-team'
import { DeployModal } from './DeployModal'
import { ChangeLinks, ChangeRecord } from './TicketChangeInfo'

/**
 * One ticket: its fields, status, Start work (the branch from main; the checkout is switched
 * only when asked and clean), and what links to it: branches, pull requests and commits.
 */
export function TicketDialog({ now }: { readonly now: number }): React.JSX.Element | null {
  const { tickets: store, pulls } = useStores()
  const key = useTickets((s) => s.openKey)
  const detail = useTickets((s) => s.detail)
  const pending = useTickets((s) => s.pending)
  const error = useTickets((s) => s.error)
  const started = useTickets((s) => s.started)
  const [switchTo, setSwitchTo] = useState(false)
  if (!key) return null
  const actions = store.getState()
  const ticket = detail?.ticket
  const openPullRequests = new Set(detail?.pullRequests.map((p) => p.branch) ?? [])
  return (
    <DeployModal
      title={ticket ? `${ticket.key} ${ticket.title}` : key}
      testId="ticket-dialog"
      onClose={() => actions.closeTicket()}
      wide
    >
      <div className="modal-body">
        {!ticket ? (
          error?.code === 'not-found' ? (
            // A key named in branch names or commit subjects, tracked elsewhere (or nowhere).
            <p role="status" data-testid="ticket-untracked">
              {key} is named in branch names or commit subjects, but it is not a ticket of this
              workspace&apos;s tracker. Its branches are on the board; filter by {key} to see them.
            </p>
          ) : error ? (
            <p className="form-error" role="alert">
              {error.message}
            </p>
          ) : (
            <p role="status">Reading {key}…</p>
          )
        ) : (
          <>
            <div className="ticket-facts">
              <label className="field">
                <span>Status</span>
                <select
                  value={ticket.status}
                  disabled={pending !== null}
                  data-testid="ticket-status"
                  onChange={(e) => void actions.setStatus(e.target.value as TicketStatus)}
                >
                  {TICKET_STATUSES.map((s) => (
                    <option key={s} value={s}>
                      {s}
                    </option>
                  ))}
                </select>
              </label>
              <span className="muted">
                {ticket.type} · {ticket.assignee ?? 'unassigned'} · opened by{' '}
                {ticket.createdBy.name} {formatRelative(ticket.createdAt, now)}
                {ticket.keyConfirmed ? '' : ' · key not yet confirmed by a sync'}
              </span>
            </div>
            {ticket.change ? (
              // A change ticket records a promotion: its record, not a branch to start.
              <ChangeRecord change={ticket.change} now={now} />
            ) : (
              ticket.description && <p className="ticket-description">{ticket.description}</p>
            )}
            {(detail.changes?.length ?? 0) > 0 && <ChangeLinks changes={detail.changes ?? []} />}
            {!ticket.change && (
              <section aria-label="Start work" className="start-work">
                <button
                  type="button"
                  className="primary"
                  data-testid="ticket-start-work"
                  disabled={pending !== null}
                  onClick={() => void actions.startWork(switchTo)}
                >
                  {pending === 'start' ? 'Starting…' : 'Start work'}
                </button>
                <label className="check-label">
                  <input
                    type="checkbox"
                    checked={switchTo}
                    onChange={(e) => setSwitchTo(e.target.checked)}
                  />
                  switch my checkout to the branch
                </label>
              </section>
            )}
            {started && (
              <p className="pull-notice" role="status" data-testid="ticket-started">
                {started.created ? 'Created' : 'Already there:'} <code>{started.branch}</code>
                {started.switched
                  ? '; your checkout is on it now.'
                  : started.notSwitchedReason
                    ? `; your checkout was not switched: ${started.notSwitchedReason}`
                    : '.'}
              </p>
            )}
            {error && (
              <p className="form-error" role="alert">
                {error.message}
              </p>
            )}
            {/* A change ticket records a promotion: no branch, pull request or commit of its own. */}
            {!ticket.change && (
              <>
                <section aria-label="Branches">
                  <h3>Branches</h3>
                  {detail.branches.length === 0 ? (
                    <p className="muted">No branch names {ticket.key} yet.</p>
                  ) : (
                    <ul className="ticket-links">
                      {detail.branches.map((b) => (
                        <li key={b.name}>
                          <code>{b.name}</code>{' '}
                          <span className="muted">
                            {b.ahead} ahead, {b.behind} behind
                          </span>{' '}
                          {!openPullRequests.has(b.name) && !b.name.startsWith('origin/') && (
                            <button
                              type="button"
                              className="link-button"
                              data-testid="ticket-open-pull"
                              onClick={() => {
                                actions.closeTicket()
                                pulls.getState().compose(b.name)
                              }}
                            >
                              Open a pull request…
                            </button>
                          )}
                        </li>
                      ))}
                    </ul>
                  )}
                </section>
                <section aria-label="Pull requests">
                  <h3>Pull requests</h3>
                  {detail.pullRequests.length === 0 ? (
                    <p className="muted">None yet.</p>
                  ) : (
                    <ul className="ticket-links">
                      {detail.pullRequests.map((p) => (
                        <li key={p.id}>
                          <button
                            type="button"
                            className="link-button"
                            onClick={() => {
                              actions.closeTicket()
                              void pulls.getState().openView(p.branch)
                            }}
                          >
                            {p.title}
                          </button>{' '}
                          <span className="muted">
                            {p.branch} · {p.state}
                          </span>
                        </li>
                      ))}
                    </ul>
                  )}
                </section>
                <section aria-label="Commits">
                  <h3>Commits</h3>
                  {detail.commits.length === 0 ? (
                    <p className="muted">No commit names {ticket.key} yet.</p>
                  ) : (
                    <ul className="ticket-links">
                      {detail.commits.map((c) => (
                        <li key={c.sha}>
                          <code>{shortSha(c.sha)}</code> {c.subject}{' '}
                          <span className="muted">
                            {c.author}
                            {c.onMain ? ' · on main' : ''}
                          </span>
                        </li>
                      ))}
                    </ul>
                  )}
                </section>
              </>
            )}
          </>
        )}
      </div>
    </DeployModal>
  )
}
