import type { Lock } from '../../../shared'
import { formatAbsolute, formatRelative } from '../lib/format'

/** Who holds an environment's lock on a host, since when; a stale one offers to be broken. */
export function LockBadge({
  lock,
  now,
  onBreak
}: {
  readonly lock: Lock
  readonly now: number
  /** Shown only for a stale lock: breaking one needs a reason. */
  readonly onBreak?: () => void
}): React.JSX.Element {
  const age = formatRelative(lock.since, now)
  const title = `Locked by ${lock.holder} on ${lock.machine} since ${formatAbsolute(lock.since)}${
    lock.reason ? `: ${lock.reason}` : ''
  }${lock.holderGone ? ` (${lock.holderGone})` : ''}`
  return (
    <span
      className={lock.stale ? 'lock-badge stale' : 'lock-badge'}
      data-testid="lock-badge"
      title={title}
    >
      Locked by {lock.holder} · {age}
      {lock.stale && (
        <strong className="lock-stale">
          {lock.holderGone ? ' left by a stopped Slipway' : ' stale'}
        </strong>
      )}
      {lock.reason && <span className="lock-reason">{lock.reason}</span>}
      {lock.stale && onBreak && (
        <button type="button" className="link-button" onClick={onBreak} data-testid="break-lock">
          Break lock
        </button>
      )}
    </span>
  )
}
