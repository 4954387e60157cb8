import type { HostStatus } from '../../../shared'
import { LockBadge } from './LockBadge'

/** One host of an environment as read from it: release, health, lock. */
export function HostRow({
  host,
  now,
  onBreakLock
}: {
  readonly host: HostStatus
  readonly now: number
  readonly onBreakLock: () => void
}): React.JSX.Element {
  const health = !host.reachable ? 'unreachable' : host.health.kind
  const healthText = {
    healthy: 'healthy',
    unhealthy: 'unhealthy',
    unknown: 'health unknown',
    unreachable: 'unreachable'
  }[health]
  return (
    <li className="host-card" data-testid={`host-${host.host}`}>
      <div className="host-row-top">
        <span
          className={`health-dot health-${health}`}
          role="img"
          aria-label={healthText}
          title={host.health.detail || healthText}
        />
        <span className="host-name">{host.host}</span>
        <span className="host-health" data-testid="host-health">
          {healthText}
        </span>
      </div>
      <div className="host-release" data-testid="host-release">
        {host.release ? (
          <code>{host.release}</code>
        ) : (
          <span className="muted">{host.reachable ? 'nothing deployed' : 'release unknown'}</span>
        )}
      </div>
      {host.previous && (
        <div className="host-detail" title="What a rollback goes back to">
          previous <code>{host.previous}</code>
        </div>
      )}
      {!host.reachable && host.error && <div className="host-error">{host.error}</div>}
      {host.reachable && host.health.kind === 'unhealthy' && host.health.detail && (
        <div className="host-error">{host.health.detail}</div>
      )}
      {host.lock && <LockBadge lock={host.lock} now={now} onBreak={onBreakLock} />}
    </li>
  )
}
