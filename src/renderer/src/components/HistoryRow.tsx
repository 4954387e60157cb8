import {
  CircleAlert,
  CircleCheck,
  CircleDashed,
  CircleSlash,
  CircleX,
  Minus,
  ScrollText
} from 'lucide-react'
import type { DeploymentRecord } from '../../../shared'
import type { LedgerOutcome } from '../../../shared/ledger-models'
import { formatAbsolute, formatDuration, formatRelative, plural } from '../lib/format'
import type { HistorySource, MergedHistoryRow } from '../lib/merge-history'
import { useStores } from '../stores/hooks'

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

/** How the ledger's outcome reads, with the host outcome whose icon and colour it shares. */
const LEDGER_OUTCOME: Record<
  LedgerOutcome,
  { readonly word: string; readonly as: DeploymentRecord['outcome'] }
> = {
  succeeded: { word: 'succeeded', as: 'finished' },
  failed: { word: 'failed', as: 'failed' },
  cancelled: { word: 'cancelled', as: 'cancelled' },
  'rolled-back': { word: 'rolled back', as: 'failed' }
}

function LedgerOutcomeMark({
  outcome
}: {
  readonly outcome: LedgerOutcome | null
}): React.JSX.Element {
  if (outcome === null) return <Outcome outcome="unfinished" />
  const { word, as } = LEDGER_OUTCOME[outcome]
  const { Icon } = OUTCOME[as]
  return (
    <span className={`outcome outcome-${as === 'finished' ? 'succeeded' : as}`}>
      <Icon size={14} aria-hidden="true" />
      {word}
    </span>
  )
}

const SOURCE: Record<
  HistorySource,
  { readonly word: string; readonly why: string; readonly Icon: typeof CircleCheck }
> = {
  both: {
    word: 'Hosts and ledger',
    why: "The hosts' logs and the team's ledger both hold it.",
    Icon: ScrollText
  },
  'hosts-only': {
    word: 'Not in the ledger',
    why: 'The hosts logged it, the ledger has no entry for it (made before the ledger, or by a Slipway that did not record it).',
    Icon: CircleAlert
  },
  'ledger-only': {
    word: "Not in the hosts' logs",
    why: "The ledger records it, no host logged it (it never reached a host, or a host's log lost it).",
    Icon: CircleAlert
  },
  'not-compared': {
    word: 'Not compared',
    why: 'The ledger was not read, or not as far back as this.',
    Icon: Minus
  }
}

/** Where a row comes from, in words; the ledger positions and any disagreement below. */
function SourceMark({ row }: { readonly row: MergedHistoryRow }): React.JSX.Element {
  const { word, why, Icon } = SOURCE[row.source]
  const positions = row.ledger?.positions ?? []
  return (
    <div className={`history-source source-${row.source}`} title={why}>
      <span className="history-source-word">
        <Icon size={14} aria-hidden="true" />
        {word}
      </span>
      {positions.length > 0 && (
        <div className="muted">
          {positions.length === 1 ? 'entry' : 'entries'} {positions.map((p) => `#${p}`).join(', ')}
        </div>
      )}
      {row.disagreement && <div className="history-disagreement">{row.disagreement}</div>}
    </div>
  )
}

/**
 * One deployment or rollback of the merged history: the hosts' record when they have one (what
 * the hosts say is what ran), else the ledger's; where it is recorded; Log and Roll back.
 */
export function HistoryRow({
  row,
  environment,
  now,
  hasLog,
  canRollBackTo
}: {
  readonly row: MergedHistoryRow
  readonly environment: string
  readonly now: number
  readonly hasLog: boolean
  readonly canRollBackTo: ReadonlySet<string>
}): React.JSX.Element {
  const { deploy } = useStores()
  const { record: r, ledger: l } = row
  const kind = r?.kind ?? l?.kind ?? 'deploy'
  const release = r ? r.release : (l?.release ?? null)
  const reason = r ? r.reason : (l?.reason ?? null)
  const finishedAt = r ? r.finishedAt : (l?.finishedAt ?? null)
  return (
    <tr
      data-testid="history-row"
      data-outcome={r?.outcome ?? l?.outcome ?? 'unfinished'}
      data-source={row.source}
    >
      <td>
        <When iso={row.startedAt} now={now} />
      </td>
      <td className="history-what">
        {kind === 'rollback' ? 'Rollback to ' : 'Deploy '}
        <code>{release ?? 'unknown release'}</code>
        {r?.from && <span className="muted"> from {r.from}</span>}
        {reason && <div className="history-reason">“{reason}”</div>}
        {r?.hosts
          .filter((h) => h.detail && (h.last === 'failed' || h.last === 'cancelled'))
          .map((h) => (
            <div key={h.host} className="history-detail">
              {h.host}: {h.detail}
            </div>
          ))}
        {!r && l?.summary && <div className="history-reason">{l.summary}</div>}
      </td>
      <td>
        {r ? <Outcome outcome={r.outcome} /> : <LedgerOutcomeMark outcome={l?.outcome ?? null} />}
      </td>
      <td>
        {r?.by ?? l?.by}
        {(r?.hosts.length ?? l?.hosts.length ?? 0) > 0 && (
          <div className="muted">{plural(r?.hosts.length ?? l?.hosts.length ?? 0, 'host')}</div>
        )}
      </td>
      <td className="history-took">
        {finishedAt ? formatDuration(Date.parse(finishedAt) - Date.parse(row.startedAt)) : ''}
      </td>
      <td>
        <SourceMark row={row} />
      </td>
      <td className="history-actions">
        {hasLog && (
          <button
            type="button"
            className="link-button"
            onClick={() => deploy.getState().showProgress(row.id)}
            aria-label={`Log of the ${kind} of ${release ?? 'unknown release'}`}
          >
            Log
          </button>
        )}
        {release && canRollBackTo.has(release) && (
          <button
            type="button"
            className="link-button"
            onClick={() => deploy.getState().openRollback(environment, release)}
          >
            Roll back to this…
          </button>
        )}
      </td>
    </tr>
  )
}
