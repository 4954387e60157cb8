import { formatDuration } from '../lib/format'

/** "read 4 s ago · took 38 ms": how fresh the listing is and how long reading it took. */
export function ReadNote({
  readAt,
  tookMs,
  now
}: {
  readonly readAt: string
  readonly tookMs: number
  readonly now: number
}): React.JSX.Element {
  const age = Math.max(0, now - Date.parse(readAt))
  return (
    <span className="read-note" title={`Read at ${new Date(readAt).toLocaleString()}`}>
      read {formatDuration(age)} ago · took {formatDuration(tookMs)}
    </span>
  )
}
