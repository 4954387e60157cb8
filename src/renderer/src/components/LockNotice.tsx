import type { EnvironmentStatus } from '../../../shared'
import { formatAbsolute, formatRelative } from '../lib/format'

/**
 * An environment's lock, shown before the user acts: who holds it, since when (exact time on
 * hover), why, on how many hosts, and what it means for a deployment or rollback started now.
 */
export function LockNotice({
  status,
  now
}: {
  readonly status: EnvironmentStatus
  readonly now: number
}): React.JSX.Element | null {
  const locked = status.hosts.filter((h) => h.lock)
  const lock = locked[0]?.lock
  if (!lock) return null
  const where =
    locked.length === status.hosts.length ? 'every host' : locked.map((h) => h.host).join(', ')
  return (
    <div className="env-warning" role="status" data-testid="deploy-lock">
      <strong>
        {status.environment} is locked by {lock.holder} on {lock.machine}
      </strong>
      , since{' '}
      <time dateTime={lock.since} title={formatAbsolute(lock.since)}>
        {formatRelative(lock.since, now)}
      </time>{' '}
      ({where}){lock.reason ? `: “${lock.reason}”` : ''}.{' '}
      {lock.holderGone
        ? `The lock was left behind (${lock.holderGone}): break it from the lane, its reason is filled in, before deploying or rolling back.`
        : lock.stale
          ? 'The lock is stale (its holder stopped refreshing it): break it from the lane, with a reason, before deploying or rolling back.'
          : 'A deployment or rollback started now is refused while the lock is held.'}
    </div>
  )
}
