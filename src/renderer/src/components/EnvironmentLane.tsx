import { useCallback, useEffect } from 'react'
import { useStore } from 'zustand'
import type { ConfigProblem, EnvironmentConfig, HostConfig } from '../../../shared'
import { formatAbsolute, formatRelative } from '../lib/format'
import { useVisibleInterval } from '../lib/use-visible-interval'
import { useStores } from '../stores/hooks'
import { useDeploy, useHistory } from '../stores/use-deploy'
import { HostRow } from './HostRow'
import { HostKeyCheckNote } from './HostKeyCheckNote'
import { DEPLOYMENT_STATUS_TEXT } from '../lib/deploy-labels'
import { ArrowUpFromLine, History, RefreshCw, Rocket, Undo2 } from 'lucide-react'
import { Outcome, When } from './HistoryDialog'
import { LaneRunLocally } from './LaneRunLocally'
import { InvalidConfigNote } from './ConfigProblems'
import { MergeReleaseNote } from './MergeReleaseNote'
import { FreezeNotice } from './FreezeNotice'
import { PromotionNote } from './PromotionNote'
import { deployedRelease } from '../views/DeployDialog'
import { usePromotions } from '../stores/use-team'

/** How a host reads on the board: its name, and where it is. */
function describeHost(host: HostConfig): { readonly label: string; readonly detail: string } {
  if ('local' in host) {
    return {
      label: host.name ?? 'local folder',
      detail: `${host.local}${host.port ? ` · port ${host.port}` : ''}`
    }
  }
  const target = `${host.user ? `${host.user}@` : ''}${host.host}`
  return {
    label: host.name ?? host.host,
    detail: `${target}${host.port ? ` · port ${host.port}` : ''} · ${host.path}`
  }
}

/** Readings older than this are marked stale on the lane. */
export const STALE_READING_MS = 90_000
/** How often a visible lane re-reads its hosts. */
export const STATUS_REFRESH_MS = 30_000

/**
 * One environment lane: per host the release really there, its health and lock (read from the
 * hosts on demand and every 30 s while visible), drift, and the deploy and rollback actions.
 */
export function EnvironmentLane({
  environment,
  now
}: {
  readonly environment: EnvironmentConfig
  readonly now: number
}): React.JSX.Element {
  const name = environment.name
  const { deploy: store, history, promotions, trust } = useStores()
  const promoteFrom = environment.promoteFrom ?? null
  const upstream = useDeploy((s) =>
    promoteFrom ? deployedRelease(s.environments[promoteFrom]?.status) : null
  )
  const promotionsLoaded = usePromotions((s) => s.loaded)
  useEffect(() => {
    if (promoteFrom && !promotionsLoaded) void promotions.getState().load()
  }, [promoteFrom, promotionsLoaded, promotions])
  const needsApproval = (environment.approvals?.required ?? 0) > 0
  // Until the workspace is trusted the board is read-only: deploys would run its hooks.
  const untrusted = useStore(
    trust,
    (s) => s.status?.state === 'untrusted' || s.status?.state === 'changed'
  )
  const reading = useDeploy((s) => s.environments[name])
  const running = useDeploy((s) =>
    s.deployments.find((d) => d.environment === name && d.status === 'running')
  )
  const last = useDeploy((s) =>
    s.deployments.find((d) => d.environment === name && d.status !== 'running')
  )
  // The newest deployment the hosts recorded: after a restart, or one made from another machine.
  const recorded = useHistory((s) => s.histories[name]?.history?.records[0])
  const loadStatus = useCallback(() => void store.getState().loadStatus(name), [store, name])
  useVisibleInterval(loadStatus, STATUS_REFRESH_MS)
  useEffect(() => void history.getState().load(name), [history, name])
  // This window's own record has the log; the hosts' is shown when it is newer.
  const showRecorded =
    !running &&
    recorded &&
    (!last || (recorded.id !== last.id && recorded.startedAt > last.startedAt))

  const titleId = `lane-env-${name}-title`
  const facts: string[] = []
  if (environment.deployOn === 'merge') facts.push('deploys on merge')
  if (environment.deployOn === 'manual') facts.push('deployed by hand')
  if (environment.promoteFrom) facts.push(`promoted from ${environment.promoteFrom}`)
  if (environment.freeze?.length) facts.push(`freezes: ${environment.freeze.join(', ')}`)
  if (environment.approvals && environment.approvals.required > 0) {
    facts.push(
      `${environment.approvals.required} approval${environment.approvals.required === 1 ? '' : 's'}`
    )
  }
  const status = reading?.status ?? null
  const readAgo = status ? now - Date.parse(status.readAt) : null
  const stale = readAgo !== null && readAgo > STALE_READING_MS
  const hasSsh = environment.hosts.some((h) => !('local' in h))
  const someUnreachable = status?.hosts.some((h) => !h.reachable) ?? false
  const canRollBack = status?.hosts.some((h) => h.previous !== null) ?? false
  return (
    <section className="lane lane-env" data-testid={`lane-env-${name}`} aria-labelledby={titleId}>
      <header className="lane-header">
        <h2 id={titleId}>{name}</h2>
        <span className="lane-count">
          {environment.hosts.length} host{environment.hosts.length === 1 ? '' : 's'}
        </span>
      </header>
      {facts.length > 0 && <p className="env-facts">{facts.join(' · ')}</p>}
      <div className="env-actions">
        {promoteFrom && (
          <button
            type="button"
            className="primary"
            data-testid={`promote-${name}`}
            onClick={() => upstream && void promotions.getState().open(upstream, name)}
            disabled={running !== undefined || upstream === null}
            aria-describedby={upstream === null ? `promote-why-${name}` : undefined}
          >
            <ArrowUpFromLine size={14} aria-hidden="true" />
            Promote…
          </button>
        )}
        <button
          type="button"
          className={promoteFrom ? undefined : 'primary'}
          data-testid={`deploy-${name}`}
          onClick={() => store.getState().openDeploy(name)}
          disabled={running !== undefined || needsApproval || untrusted}
          aria-describedby={needsApproval ? `deploy-why-${name}` : undefined}
          title={untrusted ? 'Trust the workspace first: a deploy runs its commands' : undefined}
        >
          <Rocket size={14} aria-hidden="true" />
          Deploy…
        </button>
        <button
          type="button"
          data-testid={`rollback-${name}`}
          onClick={() => store.getState().openRollback(name)}
          disabled={running !== undefined || !canRollBack || untrusted}
          title={
            untrusted
              ? 'Trust the workspace first: a rollback runs its commands'
              : canRollBack
                ? 'Make the previous release current again'
                : 'No previous release'
          }
        >
          <Undo2 size={14} aria-hidden="true" />
          Roll back…
        </button>
        <button
          type="button"
          data-testid={`refresh-${name}`}
          onClick={loadStatus}
          disabled={reading?.loading ?? false}
          aria-label={`Read ${name} from its hosts again`}
        >
          <RefreshCw size={14} aria-hidden="true" />
          {reading?.loading ? 'Reading…' : 'Refresh'}
        </button>
        <button
          type="button"
          data-testid={`history-${name}`}
          onClick={() => store.getState().openHistory(name)}
          aria-label={`History of ${name}`}
        >
          <History size={14} aria-hidden="true" />
          History
        </button>
      </div>
      <LaneRunLocally environment={name} />
      {promoteFrom && upstream === null && (
        <p className="env-facts" id={`promote-why-${name}`}>
          Promote waits for {promoteFrom} to run a release.
        </p>
      )}
      {needsApproval && (
        <p className="env-facts" id={`deploy-why-${name}`}>
          Deploy is off: {name} takes releases only through an approved promotion.
        </p>
      )}
      {promoteFrom && <PromotionNote environment={name} />}
      {running && (
        <button
          type="button"
          className="env-running link-button"
          data-testid={`running-${name}`}
          onClick={() => store.getState().showProgress(running.id)}
        >
          {running.kind === 'rollback' ? 'Rolling back' : 'Deploying'} {running.release}… show
          progress
        </button>
      )}
      {showRecorded && recorded && (
        <button
          type="button"
          className={`env-last link-button`}
          data-testid={`last-${name}`}
          onClick={() => store.getState().openHistory(name)}
        >
          Last {recorded.kind}: {recorded.release ?? 'unknown release'}{' '}
          <Outcome outcome={recorded.outcome} />, <When iso={recorded.startedAt} now={now} /> by{' '}
          {recorded.by}
        </button>
      )}
      {!running && !showRecorded && last && (
        <button
          type="button"
          className={`env-last link-button status-${last.status}`}
          data-testid={`last-${name}`}
          onClick={() => store.getState().showProgress(last.id)}
          title={last.summary}
        >
          Last {last.kind}: {last.release} {DEPLOYMENT_STATUS_TEXT[last.status]}
          {last.finishedAt ? `, ${formatRelative(last.finishedAt, now)}` : ''}
        </button>
      )}
      {environment.deployOn === 'merge' && <MergeReleaseNote environment={name} now={now} />}
      {status && <FreezeNotice status={status} />}
      {status?.drift && (
        <p className="env-warning" role="status" data-testid={`drift-${name}`}>
          Drift: the hosts do not all run the same release.
        </p>
      )}
      {status && status.badReleases.length > 0 && (
        <p
          className="env-facts"
          title={status.badReleases
            .map((id) => `${id}${status.badReasons?.[id] ? `: ${status.badReasons[id]}` : ''}`)
            .join('\n')}
        >
          Marked bad here: {status.badReleases.join(', ')}
        </p>
      )}
      {reading?.error && <p className="env-warning">{reading.error.message}</p>}
      {hasSsh && someUnreachable && (
        <button
          type="button"
          className="link-button env-running"
          data-testid={`check-keys-${name}`}
          onClick={() => void store.getState().checkHostKeys(name)}
        >
          Check host keys…
        </button>
      )}
      {hasSsh && reading?.keyCheck && (someUnreachable || reading.keyCheck.state !== 'done') && (
        <HostKeyCheckNote
          environment={name}
          check={reading.keyCheck}
          cardErrors={Object.fromEntries(
            (status?.hosts ?? []).map((h) => [h.host, h.reachable ? null : h.error])
          )}
        />
      )}
      <ul className="host-list" aria-label={`Hosts of ${name}`}>
        {status
          ? status.hosts.map((host) => (
              <HostRow
                key={host.host}
                host={host}
                now={now}
                onBreakLock={() => store.getState().openBreakLock(name)}
              />
            ))
          : environment.hosts.map((host, i) => {
              const { label, detail } = describeHost(host)
              return (
                <li key={i} className="host-card">
                  <div className="host-name">{label}</div>
                  <div className="host-detail" title={detail}>
                    {detail}
                  </div>
                  <div className="host-state">{reading?.error ? 'Not read' : 'Reading…'}</div>
                </li>
              )
            })}
      </ul>
      {status && readAgo !== null && (
        <p
          className={stale ? 'env-read stale' : 'env-read'}
          data-testid={`read-${name}`}
          title={formatAbsolute(status.readAt)}
        >
          {stale ? 'Stale: read ' : 'Read '}
          {formatAge(readAgo)}
        </p>
      )}
    </section>
  )
}

/** "5 s ago", "2 min ago". */
function formatAge(ms: number): string {
  if (ms < 5_000) return 'just now'
  if (ms < 60_000) return `${Math.round(ms / 1000)} s ago`
  return `${Math.round(ms / 60_000)} min ago`
}

/** The muted lane shown when `slipway.yml` configures no environments. */
export function NoEnvironmentsLane({
  problem
}: {
  readonly problem: ConfigProblem | null
}): React.JSX.Element {
  return (
    <section className="lane lane-env muted" data-testid="lane-env-none" aria-label="Environments">
      <header className="lane-header">
        <h2>Environments</h2>
      </header>
      {problem ? (
        <InvalidConfigNote problem={problem} what="Environments are not shown" />
      ) : (
        <p className="lane-empty">
          No environments are configured. Add them under <code>environments:</code> in slipway.yml.
        </p>
      )}
    </section>
  )
}
