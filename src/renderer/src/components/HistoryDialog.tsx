import '../styles/history.css'
import { useEffect } from 'react'
import { CircleCheck, CircleDashed, CircleSlash, CircleX, RefreshCw } from 'lucide-react'
import type { DeploymentRecord, EnvironmentStatus } from '../../../shared'
import { formatAbsolute, formatDuration, formatRelative, plural } from '../lib/format'
import { useNow } from '../lib/use-now'
import { useStores } from '../stores/hooks'
import { useDeploy, useHistory } from '../stores/use-deploy'
import { DeployModal } from './DeployModal'

const OUTCOME: Record<
  DeploymentRecord['outcome'],
  { readonly word: string; readonly Icon: typeof CircleCheck }
> = {
  finished: { word: 'succeeded', Icon: CircleCheck },
  failed: { word: 'failed', Icon: CircleX },
  cancelled: { word: 'cancelled', Icon: CircleSlash },
  unfinished: { word: 'unfinished', Icon: CircleDashed }
}

/** A time as "12 minutes ago", the exact time on hover. */
export function When({
  iso,
  now
}: {
  readonly iso: string
  readonly now: number
}): React.JSX.Element {
  return (
    <time dateTime={iso} title={formatAbsolute(iso)}>
      {formatRelative(iso, now)}
    </time>
  )
}

/** An outcome as an icon and its word (never colour alone). */
export function Outcome({
  outcome
}: {
  readonly outcome: DeploymentRecord['outcome']
}): React.JSX.Element {
  const { word, Icon } = OUTCOME[outcome]
  return (
    <span className={`outcome outcome-${outcome === 'finished' ? 'succeeded' : outcome}`}>
      <Icon size={14} aria-hidden="true" />
      {word}
    </span>
  )
}

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

/**
 * An environment's deployments and rollbacks as its hosts recorded them: who, what, when,
 * outcome, duration, reason; the log of those this machine ran; roll back to any release
 * still on the hosts.
 */
export function HistoryDialog({
  environment,
  onClose
}: {
  readonly environment: string
  readonly onClose: () => void
}): React.JSX.Element {
  const { history: store, deploy } = useStores()
  const reading = useHistory((s) => s.histories[environment])
  const status = useDeploy((s) => s.environments[environment]?.status)
  const deployments = useDeploy((s) => s.deployments)
  const now = useNow(30_000)
  useEffect(() => void store.getState().load(environment), [store, environment])

  const history = reading?.history ?? null
  const local = new Set(deployments.map((d) => d.id))
  const targets = rollbackTargets(status)
  const load = (): void => void store.getState().load(environment)
  return (
    <DeployModal title={`History of ${environment}`} testId="history-dialog" onClose={onClose} wide>
      <div className="modal-body">
        <div className="history-meta">
          <span className="muted" role="status">
            {reading?.loading
              ? "Reading the hosts' logs…"
              : history
                ? `${history.records.length > 0 ? `${plural(history.records.length, 'deployment')} from the hosts' logs` : "The hosts' logs"}, read ${formatRelative(new Date(reading?.readAt ?? now).toISOString(), now)}`
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
        {history && history.records.length === 0 && (
          <p className="muted">Nothing was deployed to {environment} yet.</p>
        )}
        {history && history.records.length > 0 && (
          <div className="history-scroll">
            <table className="history-table" data-testid="history-table">
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">What</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">By</th>
                  <th scope="col">Took</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {history.records.map((r) => (
                  <tr key={r.id} data-testid="history-row" data-outcome={r.outcome}>
                    <td>
                      <When iso={r.startedAt} now={now} />
                    </td>
                    <td className="history-what">
                      {r.kind === 'rollback' ? 'Rollback to ' : 'Deploy '}
                      <code>{r.release ?? 'unknown release'}</code>
                      {r.from && <span className="muted"> from {r.from}</span>}
                      {r.reason && <div className="history-reason">“{r.reason}”</div>}
                      {r.hosts
                        .filter((h) => h.detail && (h.last === 'failed' || h.last === 'cancelled'))
                        .map((h) => (
                          <div key={h.host} className="history-detail">
                            {h.host}: {h.detail}
                          </div>
                        ))}
                    </td>
                    <td>
                      <Outcome outcome={r.outcome} />
                    </td>
                    <td>
                      {r.by}
                      {r.hosts.length > 0 && (
                        <div className="muted">{plural(r.hosts.length, 'host')}</div>
                      )}
                    </td>
                    <td>
                      {r.finishedAt
                        ? formatDuration(Date.parse(r.finishedAt) - Date.parse(r.startedAt))
                        : ''}
                    </td>
                    <td className="history-actions">
                      {local.has(r.id) && (
                        <button
                          type="button"
                          className="link-button"
                          onClick={() => deploy.getState().showProgress(r.id)}
                          aria-label={`Log of the ${r.kind} of ${r.release ?? 'unknown release'}`}
                        >
                          Log
                        </button>
                      )}
                      {r.release && targets.has(r.release) && (
                        <button
                          type="button"
                          className="link-button"
                          onClick={() =>
                            deploy.getState().openRollback(environment, r.release ?? undefined)
                          }
                        >
                          Roll back to this…
                        </button>
                      )}
                    </td>
                  </tr>
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
