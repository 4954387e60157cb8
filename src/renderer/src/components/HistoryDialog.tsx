import '../styles/history.css'
import { useEffect } from 'react'
import { RefreshCw } from 'lucide-react'
import type { EnvironmentStatus } from '../../../shared'
import { HISTORY_LIMIT } from '../stores/history-store'
import { formatRelative, plural } from '../lib/format'
import { ledgerMovements, mergeHistory, type MergedHistoryRow } from '../lib/merge-history'
import { useNow } from '../lib/use-now'
import { useStores } from '../stores/hooks'
import { useDeploy, useHistory } from '../stores/use-deploy'
import { DeployModal } from './DeployModal'
import { HistoryRow } from './HistoryRow'

// Also used by the lane's "Last deploy" and the ledger view.
export { Outcome, When } from './HistoryRow'

/** Releases a rollback can make current: present on every reachable host, not current. */
function rollbackTargets(status: EnvironmentStatus | null | undefined): Set<string> {
  const hosts = status?.hosts.filter((h) => h.reachable) ?? []
  if (hosts.length === 0) return new Set()
  const current = new Set(hosts.map((h) => h.release))
  const [first, ...rest] = hosts
  return new Set(
    first.releases.filter((id) => !current.has(id) && rest.every((h) => h.releases.includes(id)))
  )
}

/** "2 only in the ledger, 1 only in the hosts' logs, 1 where they disagree", or null. */
function differences(rows: readonly MergedHistoryRow[]): string | null {
  const count = (test: (r: MergedHistoryRow) => boolean): number => rows.filter(test).length
  const parts = [
    [count((r) => r.source === 'ledger-only'), 'only in the ledger (no host logged it)'],
    [count((r) => r.source === 'hosts-only'), "only in the hosts' logs (not in the ledger)"],
    [count((r) => r.disagreement !== null), 'where the two disagree about the end']
  ] as const
  const said = parts.filter(([n]) => n > 0).map(([n, what]) => `${n} ${what}`)
  return said.length > 0 ? `${said.join(', ')}.` : null
}

/**
 * An environment's deployments and rollbacks as its hosts recorded them, merged with what the
 * team's ledger holds for it: each row says whether both know it, or only one (kept and marked,
 * never hidden), and where they disagree about its end; who, what, when, outcome, duration,
 * reason; the log of those this machine ran; roll back to any release still on the hosts.
 */
export function HistoryDialog({
  environment,
  onClose
}: {
  readonly environment: string
  readonly onClose: () => void
}): React.JSX.Element {
  const { history: store } = useStores()
  const reading = useHistory((s) => s.histories[environment])
  const status = useDeploy((s) => s.environments[environment]?.status)
  const deployments = useDeploy((s) => s.deployments)
  const now = useNow(30_000)
  useEffect(() => void store.getState().load(environment), [store, environment])

  const history = reading?.history ?? null
  const ledger = reading?.ledger ?? null
  const rows = history
    ? mergeHistory(history.records, ledger ? ledgerMovements(ledger) : null, {
        hosts: history.records.length < HISTORY_LIMIT,
        ledger: reading?.ledgerComplete ?? true
      })
    : []
  const local = new Set(deployments.map((d) => d.id))
  const targets = rollbackTargets(status)
  const load = (): void => void store.getState().load(environment)
  const diff = differences(rows)
  return (
    <DeployModal title={`History of ${environment}`} testId="history-dialog" onClose={onClose} wide>
      <div className="modal-body">
        <div className="history-meta">
          <span className="muted" role="status">
            {reading?.loading
              ? "Reading the hosts' logs and the ledger…"
              : history
                ? `${rows.length > 0 ? `${plural(rows.length, 'deployment')} from the hosts' logs${ledger ? ' and the ledger' : ''}` : "The hosts' logs"}, read ${formatRelative(new Date(reading?.readAt ?? now).toISOString(), now)}`
                : ''}
          </span>
          <button type="button" onClick={load} disabled={reading?.loading ?? false}>
            <RefreshCw size={14} aria-hidden="true" />
            Refresh
          </button>
        </div>
        {reading?.error && (
          <p className="form-error" role="alert">
            {reading.error.message}
          </p>
        )}
        {history && history.unreadable.length > 0 && (
          <p className="env-warning" role="status">
            Not read (the history may be missing entries):{' '}
            {history.unreadable.map((u) => `${u.host}: ${u.error}`).join('; ')}
          </p>
        )}
        {history && reading?.ledgerError && (
          <p className="env-warning" role="status" data-testid="history-ledger-error">
            The ledger could not be read ({reading.ledgerError.message}): these are the hosts&apos;
            logs alone, not compared with it.
          </p>
        )}
        {diff && (
          <p className="env-warning" data-testid="history-differences">
            The hosts&apos; logs and the ledger differ: {diff}
          </p>
        )}
        {history && rows.length === 0 && (
          <p className="muted">Nothing was deployed to {environment} yet.</p>
        )}
        {rows.length > 0 && (
          <div className="history-scroll">
            <table className="history-table" data-testid="history-table">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">What</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">By</th>
                  <th scope="col">Took</th>
                  <th scope="col">Recorded</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <HistoryRow
                    key={row.id}
                    row={row}
                    environment={environment}
                    now={now}
                    hasLog={local.has(row.id)}
                    canRollBackTo={targets}
                  />
                ))}
              </tbody>
            </table>
          </div>
        )}
        <footer className="modal-footer">
          <button type="button" onClick={onClose}>
            Close
          </button>
        </footer>
      </div>
    </DeployModal>
  )
}
