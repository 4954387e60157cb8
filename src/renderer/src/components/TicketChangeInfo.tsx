import type { TicketChange, TicketDetail } from '../../../shared/ticket-models'
import { formatAbsolute, formatRelative, shortSha } from '../lib/format'
import { TicketChip } from './TicketChip'

/**
 * A change ticket's record of its promotion: what ships (its tickets, which open on click, and
 * commits, reverts marked), the approvals as they arrived, and the outcome once it ended.
 */
export function ChangeRecord({
  change,
  now
}: {
  readonly change: TicketChange
  readonly now: number
}): React.JSX.Element {
  const { outcome } = change
  return (
    <div className="change-record" data-testid="ticket-change">
      <p>
        Promotion of <code>{change.release}</code> ({shortSha(change.commit)}) from {change.from} to{' '}
        {change.to}, requested by {change.requestedBy.name} &lt;{change.requestedBy.email}
        &gt;
        {change.reason ? `: “${change.reason}”` : ''}
      </p>
      <section aria-label="What ships" data-testid="ticket-change-ships">
        <h3>What ships</h3>
        {change.tickets.length === 0 ? (
          <p className="muted">No ticket is named by the shipped commits.</p>
        ) : (
          <ul className="ticket-links">
            {change.tickets.map((t) => (
              <li key={t.key}>
                <TicketChip ticket={t.key} />{' '}
                {t.title ?? <span className="muted">not tracked here</span>}
              </li>
            ))}
          </ul>
        )}
        <ul className="ticket-links">
          {change.commits.slice(0, 30).map((c) => (
            <li key={c.sha}>
              <code>{shortSha(c.sha)}</code>{' '}
              {c.revert && <strong className="ships-flag">revert </strong>}
              {c.subject}
            </li>
          ))}
          {change.commits.length > 30 && (
            <li className="muted">and {change.commits.length - 30} more commits</li>
          )}
        </ul>
      </section>
      <section aria-label="Approvals" data-testid="ticket-change-approvals">
        <h3>Approvals</h3>
        {change.approvals.length === 0 ? (
          <p className="muted">None yet.</p>
        ) : (
          <ul className="ticket-links">
            {change.approvals.map((a) => (
              <li key={a.by.email}>
                {a.by.name} &lt;{a.by.email}&gt;{a.signed ? ', signed' : ', not signed'}{' '}
                <span className="muted" title={formatAbsolute(a.at)}>
                  {formatRelative(a.at, now)}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-label="Outcome" data-testid="ticket-change-outcome">
        <h3>Outcome</h3>
        {outcome ? (
          <p>
            <span className={`outcome outcome-${outcome.status}`}>{outcome.status}</span>{' '}
            {outcome.summary}{' '}
            <span className="muted">
              ({outcome.deployment ? `deployment ${outcome.deployment}, ` : ''}
              {outcome.by.name},{' '}
              <span title={formatAbsolute(outcome.at)}>{formatRelative(outcome.at, now)}</span>)
            </span>
          </p>
        ) : (
          <p className="muted">Not deployed yet: the promotion is open.</p>
        )}
      </section>
    </div>
  )
}

/** The change tickets of promotions that shipped (or would ship) this ticket, with how each ended. */
export function ChangeLinks({
  changes
}: {
  readonly changes: NonNullable<TicketDetail['changes']>
}): React.JSX.Element {
  return (
    <section aria-label="Promotions" data-testid="ticket-changes">
      <h3>Promotions</h3>
      <ul className="ticket-links">
        {changes.map((c) => (
          <li key={c.key}>
            <TicketChip ticket={c.key} /> {c.release} to {c.to}:{' '}
            {c.outcome ? (
              <span className={`outcome outcome-${c.outcome}`}>{c.outcome}</span>
            ) : (
              <span className="muted">open ({c.status})</span>
            )}
          </li>
        ))}
      </ul>
    </section>
  )
}
