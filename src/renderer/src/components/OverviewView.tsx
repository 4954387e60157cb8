import {
  Archive,
  CircleAlert,
  CircleCheck,
  CircleHelp,
  CircleX,
  History,
  RefreshCw,
  Server,
  TriangleAlert
} from 'lucide-react'
import { useStore } from 'zustand'
import type { EnvironmentConfig } from '../../../shared'
import { plural } from '../../../shared/plural'
import { formatAbsolute, formatRelative } from '../lib/format'
import {
  buildOverview,
  type OverviewCell,
  type OverviewColumn,
  type OverviewHealth
} from '../lib/overview'
import { useStores, useWorkspace } from '../stores/hooks'
import { DeployModal } from './DeployModal'
import { OverviewCellAction } from './OverviewCellAction'
import { TicketChip } from './TicketChip'
import '../styles/overview.css'

/**
 * The environment × release overview (Octopus's dashboard): one row per release found on any
 * environment's hosts, newest first, one column per environment; each cell says whether the
 * release is current there (on how many hosts, and their health), drifting (only some hosts
 * serve it, which ones), the previous release, or only kept on disk, and offers what can be
 * done with it there (promote, roll back). Read from the same host readings as the lanes;
 * "Read all again" reads every environment afresh.
 */
export function OverviewView({
  now,
  onClose
}: {
  readonly now: number
  readonly onClose: () => void
}): React.JSX.Element {
  const { deploy, releases: releasesStore } = useStores()
  const environments = useWorkspace((s) => s.workspace?.config.environments)
  const names = (environments ?? []).map((e) => e.name)
  const configs = new Map((environments ?? []).map((e) => [e.name, e]))
  const readings = useStore(deploy, (s) => s.environments)
  const releases = useStore(releasesStore, (s) => s.releases)
  const overview = buildOverview(names, readings, releases)
  const reading = overview.columns.some((c) => c.reading === 'loading')
  const readAll = (): void => {
    for (const name of names) void deploy.getState().loadStatus(name)
  }

  return (
    <DeployModal
      title="Environments and releases"
      testId="overview-view"
      onClose={onClose}
      wide
      className="overview-modal"
    >
      <div className="modal-body">
        <div className="overview-toolbar">
          <p className="muted" role="status" data-testid="overview-summary">
            {names.length === 0
              ? 'No environments are configured in slipway.yml.'
              : overview.rows.length === 0
                ? reading
                  ? 'Reading the hosts…'
                  : `Nothing is deployed on the hosts of ${names.join(' or ')} yet.`
                : `${plural(overview.rows.length, 'release')} on the hosts of ${plural(names.length, 'environment')}, newest first.`}
          </p>
          <button
            type="button"
            data-testid="overview-read-all"
            onClick={readAll}
            disabled={names.length === 0}
          >
            <RefreshCw size={14} aria-hidden="true" />
            Read all again
          </button>
        </div>
        {names.length > 0 && (
          <div className="overview-scroll">
            <table className="overview-table" data-testid="overview-table">
              <caption className="visually-hidden">
                Which release each environment&rsquo;s hosts serve
              </caption>
              <thead>
                <tr>
                  <th scope="col">Release</th>
                  {overview.columns.map((c) => (
                    <th
                      scope="col"
                      key={c.environment}
                      data-testid={`overview-env-${c.environment}`}
                    >
                      <ColumnHead column={c} now={now} />
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {overview.rows.map((row) => (
                  <tr key={row.id} data-testid="overview-row" data-release={row.id}>
                    <th scope="row" className="overview-release">
                      <code>{row.id}</code>
                      {row.release ? (
                        <>
                          <div className="overview-subject">{row.release.subject}</div>
                          {row.release.tickets.length > 0 && (
                            <div className="overview-tickets">
                              {row.release.tickets.map((t) => (
                                <TicketChip key={t} ticket={t} />
                              ))}
                            </div>
                          )}
                        </>
                      ) : (
                        <div className="overview-subject muted">
                          Not built on this machine: tickets unknown
                        </div>
                      )}
                    </th>
                    {row.cells.map((cell) => (
                      <td
                        key={cell.environment}
                        className={`overview-cell cell-${cell.state}`}
                        data-testid={`overview-cell-${cell.environment}`}
                        data-state={cell.state}
                      >
                        <CellText cell={cell} />
                        {configs.has(cell.environment) && (
                          <OverviewCellAction
                            release={row.id}
                            cell={cell}
                            environment={configs.get(cell.environment) as EnvironmentConfig}
                            onClose={onClose}
                          />
                        )}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
    </DeployModal>
  )
}

function ColumnHead({
  column,
  now
}: {
  readonly column: OverviewColumn
  readonly now: number
}): React.JSX.Element {
  const unreachable = column.hosts.filter((h) => !h.reachable)
  return (
    <div className="overview-head">
      <span className="overview-env">{column.environment}</span>
      <span className="overview-env-meta">
        {column.reading === 'error' && (
          <span className="overview-bad">Could not read: {column.error}</span>
        )}
        {column.reading === 'loading' && 'Reading…'}
        {column.reading === 'unread' && 'Not read yet'}
        {column.reading === 'read' && (
          <>
            {plural(column.hosts.length, 'host')}
            {column.readAt && (
              <>
                {', read '}
                <time dateTime={column.readAt} title={formatAbsolute(column.readAt)}>
                  {formatRelative(column.readAt, now)}
                </time>
              </>
            )}
          </>
        )}
      </span>
      {unreachable.length > 0 && (
        <span className="overview-bad" data-testid="overview-unreachable">
          <CircleAlert size={14} aria-hidden="true" />
          Not reachable: {unreachable.map((h) => h.host).join(', ')}
        </span>
      )}
      {column.drift && (
        <div className="overview-drift" data-testid="overview-drift">
          <span className="overview-warn">
            <TriangleAlert size={14} aria-hidden="true" />
            Drift: its hosts serve different releases
          </span>
          <ul className="overview-hosts" aria-label={`Hosts of ${column.environment}`}>
            {column.hosts
              .filter((h) => h.reachable)
              .map((h) => (
                <li key={h.host}>
                  <Server size={12} aria-hidden="true" />
                  <span>{h.host}:</span>
                  {h.release ? <code>{h.release}</code> : <span>nothing deployed</span>}
                </li>
              ))}
          </ul>
        </div>
      )}
    </div>
  )
}

function HealthWord({
  health,
  unhealthy
}: {
  readonly health: OverviewHealth
  readonly unhealthy: readonly string[]
}): React.JSX.Element {
  switch (health) {
    case 'healthy':
      return (
        <span className="overview-good">
          <CircleCheck size={14} aria-hidden="true" />
          healthy
        </span>
      )
    case 'unhealthy':
      return (
        <span className="overview-bad">
          <CircleX size={14} aria-hidden="true" />
          unhealthy on {unhealthy.join(', ')}
        </span>
      )
    case 'unknown':
      return (
        <span className="muted">
          <CircleHelp size={14} aria-hidden="true" />
          health unknown
        </span>
      )
  }
}

function CellText({ cell }: { readonly cell: OverviewCell }): React.JSX.Element {
  switch (cell.state) {
    case 'current':
    case 'drift':
      return (
        <>
          <span className={cell.state === 'current' ? 'overview-good' : 'overview-warn'}>
            {cell.state === 'current' ? (
              <CircleCheck size={14} aria-hidden="true" />
            ) : (
              <TriangleAlert size={14} aria-hidden="true" />
            )}
            {cell.state === 'current' ? 'current' : 'drift'}
          </span>
          <span className="overview-count">
            on {cell.serving.length} of {plural(cell.reachable, 'host')}
            {cell.state === 'drift' && `: ${cell.serving.join(', ')}`}
          </span>
          {cell.health && <HealthWord health={cell.health} unhealthy={cell.unhealthy} />}
        </>
      )
    case 'previous':
      return (
        <>
          <span className="overview-muted-word">
            <History size={14} aria-hidden="true" />
            previous
          </span>
          <span className="overview-count">
            rollback target on {plural(cell.previousOn.length, 'host')}
          </span>
        </>
      )
    case 'kept':
      return (
        <span className="overview-muted-word">
          <Archive size={14} aria-hidden="true" />
          kept on {plural(cell.keptOn.length, 'host')}
        </span>
      )
    case 'absent':
      return (
        <>
          <span aria-hidden="true" className="muted">
            —
          </span>
          <span className="visually-hidden">not there</span>
        </>
      )
  }
}
