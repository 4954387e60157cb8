import { formatAbsolute, formatRelative } from '../lib/format'
import { useStores } from '../stores/hooks'
import { useTeam } from '../stores/use-team'

/**
 * The Sync button and when origin was last reached: "origin reached 2 minutes ago", "offline
 * since …" with the reason, or "no origin" (everything stays local and syncs later).
 */
export function SyncIndicator({ now }: { readonly now: number }): React.JSX.Element {
  const { team } = useStores()
  const status = useTeam((s) => s.status)
  const syncing = useTeam((s) => s.syncing)
  const error = useTeam((s) => s.error)
  const last = status?.last ?? null
  let text: string
  let tone = 'sync-ok'
  let title = ''
  if (!status || !last) {
    text = 'not synced yet'
    tone = 'sync-unknown'
  } else if (last.kind === 'no-origin') {
    text = 'no origin: team state stays here'
    tone = 'sync-unknown'
  } else if (last.kind === 'offline') {
    text = status.lastReachedAt
      ? `offline; origin reached ${formatRelative(status.lastReachedAt, now)}`
      : 'offline; origin never reached'
    tone = 'sync-offline'
    title = last.message
  } else {
    text = `origin reached ${formatRelative(status.lastReachedAt ?? status.lastAttemptAt ?? '', now)}`
    title = `received ${last.received}, pushed ${last.pushed}`
  }
  if (status?.lastReachedAt)
    title = `${title}${title ? ' · ' : ''}${formatAbsolute(status.lastReachedAt)}`
  const problems = last && last.kind !== 'no-origin' ? last.problems.length : 0
  return (
    <div className={`sync-indicator ${tone}`} data-testid="sync-indicator">
      <button
        type="button"
        onClick={() => void team.getState().sync()}
        disabled={syncing}
        aria-describedby="sync-status-text"
      >
        {syncing ? 'Syncing…' : 'Sync'}
      </button>
      <span id="sync-status-text" className="sync-text" title={title} data-testid="sync-text">
        {error ? error.message : text}
        {problems > 0 ? ` · ${problems} unreadable ref${problems === 1 ? '' : 's'} skipped` : ''}
      </span>
    </div>
  )
}
