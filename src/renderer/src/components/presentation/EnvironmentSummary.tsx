import { Lock, Rocket, UserCheck } from 'lucide-react'
import type { Deployment, EnvironmentStatus, HostStatus, Release } from '../../../../shared'
import type { Promotion } from '../../../../shared/promotion-models'
import { plural } from '../../lib/format'
import { deploymentFraction } from './deployment-progress'

/** Hosts are listed one by one up to this many; beyond, they are counted by health. */
const HOSTS_LISTED = 4

type Health = 'healthy' | 'unhealthy' | 'unreachable' | 'unknown'

function healthOf(host: HostStatus): Health {
  if (!host.reachable) return 'unreachable'
  return host.health.kind
}

/** The release most of the hosts serve (the one a room cares about). */
export function servedRelease(status: EnvironmentStatus | null): string | null {
  const counts = new Map<string, number>()
  for (const h of status?.hosts ?? []) {
    if (h.release) counts.set(h.release, (counts.get(h.release) ?? 0) + 1)
  }
  let best: string | null = null
  for (const [id, n] of counts) if (best === null || n > (counts.get(best) ?? 0)) best = id
  return best
}

function HostHealth({ hosts }: { readonly hosts: readonly HostStatus[] }): React.JSX.Element {
  if (hosts.length <= HOSTS_LISTED) {
    return (
      <ul className="present-hosts">
        {hosts.map((h) => (
          <li key={h.host} className={`present-host present-health-${healthOf(h)}`}>
            <span className="present-dot" aria-hidden="true" />
            <span className="present-host-name">{h.host}</span>
            <span className="present-host-state">{healthOf(h)}</span>
          </li>
        ))}
      </ul>
    )
  }
  const counts = new Map<Health, number>()
  for (const h of hosts) counts.set(healthOf(h), (counts.get(healthOf(h)) ?? 0) + 1)
  return (
    <ul className="present-hosts">
      {[...counts].map(([health, n]) => (
        <li key={health} className={`present-host present-health-${health}`}>
          <span className="present-dot" aria-hidden="true" />
          <span className="present-host-name">{plural(n, 'host')}</span>
          <span className="present-host-state">{health}</span>
        </li>
      ))}
    </ul>
  )
}

/** The open promotion into `environment` (waiting for approvals, or approved), newest first. */
export function openPromotion(
  promotions: readonly Promotion[],
  environment: string
): Promotion | null {
  return promotions.find((p) => p.to === environment && p.state !== 'ended') ?? null
}

/** A promotion waiting for approvals, or approved and waiting to be deployed. */
function PromotionLine({ promotion }: { readonly promotion: Promotion }): React.JSX.Element {
  return (
    <p className="present-approval" data-testid={`present-approval-${promotion.to}`}>
      <UserCheck aria-hidden="true" />
      <code>{promotion.release}</code>
      {promotion.state === 'approved' ? (
        <span>approved, ready to deploy</span>
      ) : (
        <span>
          awaits approval: {promotion.approved} of {plural(promotion.required, 'approval')}
        </span>
      )}
    </p>
  )
}

/**
 * One environment for the room: the release its hosts serve and the tickets it brought, each
 * host's health (counted when there are many), a promotion waiting for approval, its lock, and
 * a deployment in flight with its progress.
 */
export function EnvironmentSummary({
  name,
  status,
  loading,
  releases,
  running,
  promotion
}: {
  readonly name: string
  readonly status: EnvironmentStatus | null
  readonly loading: boolean
  readonly releases: readonly Release[]
  readonly running: Deployment | null
  readonly promotion: Promotion | null
}): React.JSX.Element {
  const served = servedRelease(status)
  const release = releases.find((r) => r.id === served) ?? null
  const lock = status?.hosts.find((h) => h.lock)?.lock ?? null
  const fraction = running ? deploymentFraction(running) : 0
  const tickets = release?.tickets ?? []
  return (
    <article className="present-env" data-testid={`present-env-${name}`} aria-label={name}>
      <header className="present-env-head">
        <h2>{name}</h2>
        {status?.drift && <span className="present-flag">hosts differ</span>}
      </header>
      <p className="present-release">
        {served ? (
          <>
            <code>{served}</code>
            {release && <span className="present-subject">{release.subject}</span>}
          </>
        ) : (
          <span className="present-muted">
            {loading && !status ? 'reading the hosts…' : 'nothing deployed'}
          </span>
        )}
      </p>
      {tickets.length > 0 && (
        <p className="present-env-tickets">
          {tickets.slice(0, 5).join('  ·  ')}
          {tickets.length > 5 && `  +${tickets.length - 5}`}
        </p>
      )}
      {status && <HostHealth hosts={status.hosts} />}
      {promotion && <PromotionLine promotion={promotion} />}
      {lock && (
        <p className="present-lock">
          <Lock aria-hidden="true" />
          {lock.stale ? 'Stale lock' : 'Locked'} by {lock.holder}
          {lock.reason && `: ${lock.reason}`}
        </p>
      )}
      {running && (
        <div className="present-deploy" data-testid={`present-deploy-${name}`}>
          <p>
            <Rocket aria-hidden="true" />
            {running.kind === 'rollback' ? 'Rolling back to' : 'Deploying'}{' '}
            <code>{running.release}</code>
            <span className="present-percent">{Math.round(fraction * 100)}%</span>
          </p>
          <progress
            className="present-bar"
            aria-label={`Deploying to ${name}`}
            max={1}
            value={fraction}
          />
          <p className="present-deploy-hosts">
            {running.hosts
              .map((h) => `${h.host}: ${h.state === 'done' ? 'done' : h.step}`)
              .join('  ·  ')}
          </p>
        </div>
      )}
    </article>
  )
}
