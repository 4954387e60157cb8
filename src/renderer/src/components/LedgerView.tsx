import '../styles/ledger.css'
import { Download, RefreshCw, ShieldCheck } from 'lucide-react'
import type { LedgerKind, LedgerOutcome } from '../../../shared/ledger-models'
import { describeLedgerEntry, ledgerDetail, ledgerHosts, ledgerOutcome } from '../lib/ledger-text'
import { plural } from '../lib/format'
import { saveTextFile } from '../lib/save-file'
import { useStores, useWorkspace } from '../stores/hooks'
import { LEDGER_KIND_LIST, LEDGER_OUTCOME_LIST } from '../stores/ledger-store'
import { useLedger } from '../stores/use-team'
import { DeployModal } from './DeployModal'
import { When } from './HistoryDialog'
import { LedgerVerifyResult } from './LedgerVerifyResult'

const KIND_LABEL: Record<LedgerKind, string> = {
  release: 'release',
  deployment: 'deployment',
  rollback: 'rollback',
  promotion: 'promotion',
  approval: 'approval',
  override: 'override',
  lock: 'lock',
  'lock-break': 'lock break'
}

/**
 * The ledger: every release, deployment, promotion, approval, override, rollback, lock and lock
 * break as the team's tamper-evident chain holds it, filtered by environment, ticket, person,
 * outcome and kind; Verify checks the chain (and the hosts' logs); Export saves JSON or CSV.
 * Follows new entries live (`ledger.changed`).
 */
export function LedgerView({ now }: { readonly now: number }): React.JSX.Element | null {
  const { ledger: store } = useStores()
  const open = useLedger((s) => s.viewOpen)
  const filters = useLedger((s) => s.filters)
  const records = useLedger((s) => s.records)
  const loading = useLedger((s) => s.loading)
  const loaded = useLedger((s) => s.loaded)
  const error = useLedger((s) => s.error)
  const exporting = useLedger((s) => s.exporting)
  const exported = useLedger((s) => s.exported)
  const exportError = useLedger((s) => s.exportError)
  const appendFailed = useLedger((s) => s.appendFailed)
  const verifying = useLedger((s) => s.verify.kind === 'running')
  const environments = useWorkspace((s) => s.workspace?.config.environments ?? [])
  if (!open) return null
  const actions = store.getState()
  const filtered =
    filters.environment !== '' ||
    filters.ticket.trim() !== '' ||
    filters.person.trim() !== '' ||
    filters.outcome !== null ||
    filters.kinds.length > 0
  const toggleKind = (kind: LedgerKind): void => {
    const has = filters.kinds.includes(kind)
    actions.setFilters({
      kinds: has ? filters.kinds.filter((k) => k !== kind) : [...filters.kinds, kind]
    })
  }
  const save = async (format: 'json' | 'csv'): Promise<void> => {
    const file = await actions.exportAs(format)
    if (file) saveTextFile(file)
  }
  return (
    <DeployModal
      title="Ledger"
      testId="ledger-view"
      onClose={() => actions.hideView()}
      wide
      className="ledger-modal"
    >
      <div className="modal-body">
        <div className="ticket-filters" role="group" aria-label="Filters">
          <label className="field">
            <span>Environment</span>
            <select
              value={filters.environment}
              data-testid="ledger-environment"
              onChange={(e) => actions.setFilters({ environment: e.target.value })}
            >
              <option value="">any</option>
              {environments.map((env) => (
                <option key={env.name} value={env.name}>
                  {env.name}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>Ticket</span>
            <input
              value={filters.ticket}
              placeholder="e.g. ORD-142"
              data-testid="ledger-ticket"
              onChange={(e) => actions.setFilters({ ticket: e.target.value })}
            />
          </label>
          <label className="field">
            <span>Person</span>
            <input
              value={filters.person}
              placeholder="name or email"
              data-testid="ledger-person"
              onChange={(e) => actions.setFilters({ person: e.target.value })}
            />
          </label>
          <label className="field">
            <span>Outcome</span>
            <select
              value={filters.outcome ?? ''}
              data-testid="ledger-outcome"
              onChange={(e) =>
                actions.setFilters({ outcome: (e.target.value || null) as LedgerOutcome | null })
              }
            >
              <option value="">any</option>
              {LEDGER_OUTCOME_LIST.map((o) => (
                <option key={o} value={o}>
                  {o}
                </option>
              ))}
            </select>
          </label>
          <fieldset className="status-filter" data-testid="ledger-kinds">
            <legend>Kind (none ticked: every kind)</legend>
            {LEDGER_KIND_LIST.map((k) => (
              <label key={k} className="check-label">
                <input
                  type="checkbox"
                  checked={filters.kinds.includes(k)}
                  onChange={() => toggleKind(k)}
                />
                {KIND_LABEL[k]}
              </label>
            ))}
          </fieldset>
          {filtered && (
            <button type="button" className="link-button" onClick={() => actions.clearFilters()}>
              Clear filters
            </button>
          )}
        </div>
        <div className="ledger-toolbar">
          <span className="muted" role="status" data-testid="ledger-count">
            {loading && !loaded
              ? 'Reading the ledger…'
              : `${plural(records.length, 'entry', 'entries')}${filtered ? ' match the filters' : ''}`}
          </span>
          <button type="button" onClick={() => void actions.load()} disabled={loading}>
            <RefreshCw size={14} aria-hidden="true" />
            Refresh
          </button>
          <button
            type="button"
            data-testid="ledger-verify"
            onClick={() => void actions.runVerify()}
            disabled={verifying}
            title="Checks the chain and every entry, rewrites since this clone last verified, and the recorded deployments against the hosts' own logs"
          >
            <ShieldCheck size={14} aria-hidden="true" />
            {verifying ? 'Verifying…' : 'Verify'}
          </button>
          <button
            type="button"
            data-testid="ledger-export-json"
            onClick={() => void save('json')}
            disabled={exporting !== null}
            title="Saves the entries the filters match, oldest first, as JSON"
          >
            <Download size={14} aria-hidden="true" />
            {exporting === 'json' ? 'Exporting…' : 'Export JSON'}
          </button>
          <button
            type="button"
            data-testid="ledger-export-csv"
            onClick={() => void save('csv')}
            disabled={exporting !== null}
            title="Saves the entries the filters match, oldest first, as CSV"
          >
            <Download size={14} aria-hidden="true" />
            {exporting === 'csv' ? 'Exporting…' : 'Export CSV'}
          </button>
        </div>
        {exported && !exportError && (
          <p className="muted" role="status" data-testid="ledger-exported">
            Saved {plural(exported.entries, 'entry', 'entries')} as {exported.name}.
          </p>
        )}
        {exportError && (
          <p className="form-error" role="alert">
            Export failed: {exportError.message}
          </p>
        )}
        <LedgerVerifyResult />
        {appendFailed && (
          <div className="form-error ledger-append-failed" role="alert">
            <span>An entry could not be written to the ledger: {appendFailed}</span>
            <button
              type="button"
              className="link-button"
              onClick={() => actions.dismissAppendFailed()}
            >
              Dismiss
            </button>
          </div>
        )}
        {error && (
          <p className="form-error" role="alert">
            {error.message}
          </p>
        )}
        {loaded && records.length === 0 && !error && (
          <p className="muted" data-testid="ledger-empty">
            {filtered
              ? 'No entry matches these filters.'
              : 'The ledger is empty: releases, deployments, promotions, approvals, overrides, rollbacks, locks and lock breaks are recorded here as they happen.'}
          </p>
        )}
        {records.length > 0 && (
          <div className="history-scroll ledger-scroll">
            <table className="history-table ledger-table" data-testid="ledger-table">
              <caption className="visually-hidden">Ledger entries, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">When</th>
                  <th scope="col">Kind</th>
                  <th scope="col">What</th>
                  <th scope="col">Tickets</th>
                  <th scope="col">By</th>
                  <th scope="col">Outcome</th>
                </tr>
              </thead>
              <tbody>
                {records.map((r) => {
                  const e = r.entry
                  const outcome = ledgerOutcome(e)
                  const detail = ledgerDetail(e)
                  const hosts = ledgerHosts(e)
                  return (
                    <tr
                      key={`${r.position}-${e.id}`}
                      data-testid="ledger-row"
                      data-kind={e.kind}
                      data-position={r.position}
                    >
                      <td className="ledger-position">{r.position}</td>
                      <td>
                        <When iso={e.at} now={now} />
                      </td>
                      <td>
                        <span className={`ledger-kind kind-${e.kind}`}>{KIND_LABEL[e.kind]}</span>
                      </td>
                      <td className="history-what">
                        {describeLedgerEntry(e)}
                        {detail && <div className="history-reason">{detail}</div>}
                        {hosts.length > 0 && (
                          <div className="history-reason" title={hosts.join(', ')}>
                            Hosts: {hosts.slice(0, 6).join(', ')}
                            {hosts.length > 6 ? ` and ${hosts.length - 6} more` : ''}
                          </div>
                        )}
                      </td>
                      <td>
                        <LedgerTickets tickets={e.tickets} />
                      </td>
                      <td>
                        {e.by}
                        {r.author.email && r.author.email !== e.by && (
                          <div
                            className="muted"
                            title="The git identity of the clone that wrote it"
                          >
                            via {r.author.name}
                          </div>
                        )}
                      </td>
                      <td>
                        {outcome && (
                          <span className={`outcome outcome-${outcomeClass(outcome)}`}>
                            {outcome}
                          </span>
                        )}
                      </td>
                    </tr>
                  )
                })}
              </tbody>
            </table>
          </div>
        )}
        <footer className="modal-footer">
          <button type="button" onClick={() => actions.hideView()}>
            Close
          </button>
        </footer>
      </div>
    </DeployModal>
  )
}

/** Up to four ticket chips; more are counted ("+7 more"), the whole list on hover. */
function LedgerTickets({ tickets }: { readonly tickets: readonly string[] }): React.JSX.Element {
  if (tickets.length === 0) return <span className="muted">none</span>
  const shown = tickets.length > 4 ? tickets.slice(0, 3) : tickets
  const rest = tickets.slice(shown.length)
  return (
    <span className="ledger-tickets" title={tickets.join(', ')}>
      {shown.map((t) => (
        <span key={t} className="ticket-chip">
          {t}
        </span>
      ))}
      {rest.length > 0 && (
        <span className="muted ledger-more">
          +{rest.length} more<span className="visually-hidden">: {rest.join(', ')}</span>
        </span>
      )}
    </span>
  )
}

function outcomeClass(outcome: string): string {
  if (outcome === 'succeeded') return 'succeeded'
  if (outcome === 'failed') return 'failed'
  return 'unfinished'
}
