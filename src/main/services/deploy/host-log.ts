import type { FreezeOverride, HostTransfer } from '../../../shared/deploy-models'
import { shellQuote, type Transport } from '../transport'
import { execChecked, hostPaths } from './remote'

/** What happened, as one line of a host's `.slipway/deployments.jsonl`. */
export type HostLogEvent =
  | 'started'
  | 'uploaded'
  | 'activated'
  | 'rolled-back'
  | 'finished'
  | 'failed'
  | 'cancelled'
  | 'lock-broken'

/** One entry of a host's append-only deployment log. */
export interface HostLogEntry {
  readonly at: string
  readonly event: HostLogEvent
  readonly deployment: string
  readonly kind?: 'deploy' | 'rollback'
  readonly environment: string
  readonly release?: string
  readonly from?: string | null
  readonly by: string
  readonly machine?: string
  /** Why the user started it (`started`). */
  readonly reason?: string
  readonly detail?: string
  /** The freeze a deploy overrode, with its written reason (`started`). */
  readonly freezeOverride?: FreezeOverride
  /** What the upload sent and reused (`finished` and `failed` of a deploy). */
  readonly transfer?: HostTransfer
  /** The lock that was broken (`lock-broken`). */
  readonly lock?: {
    readonly holder: string
    readonly machine: string
    readonly since: string
    readonly reason: string
  }
}

/**
 * Appends one JSON line to the host's own log (`>>` is O_APPEND, so concurrent writers never
 * interleave within a line this short), creating `.slipway/` if needed.
 */
export async function appendHostLog(transport: Transport, entry: HostLogEntry): Promise<void> {
  const p = hostPaths(transport.basePath)
  await execChecked(
    transport,
    'write host log',
    `mkdir -p -- ${p.state} && printf '%s\\n' ${shellQuote(JSON.stringify(entry))} >> ${p.log}`
  )
}

/**
 * Reads and parses a host's log (its last `lastLines` lines when given); unparsable lines (a
 * torn write) are skipped.
 */
export async function readHostLog(
  transport: Transport,
  lastLines?: number
): Promise<HostLogEntry[]> {
  const p = hostPaths(transport.basePath)
  const read =
    lastLines === undefined ? `cat -- ${p.log}` : `tail -n ${Math.floor(lastLines)} -- ${p.log}`
  const out = await execChecked(transport, 'read host log', `${read} 2>/dev/null; true`)
  const entries: HostLogEntry[] = []
  for (const line of out.split('\n')) {
    if (line.trim() === '') continue
    try {
      entries.push(JSON.parse(line) as HostLogEntry)
    } catch {
      // A torn last line after a crash: the rest of the log is still the truth.
    }
  }
  return entries
}
