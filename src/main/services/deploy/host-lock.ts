import { hostname } from 'node:os'
import type { Lock } from '../../../shared/deploy-models'
import { ExpectedError } from '../errors'
import { selfIdentity, whyGone } from '../process-identity'
import { shellQuote, type Transport } from '../transport'
import { execChecked, hostPaths } from './remote'

/** The JSON written to `<base>/.slipway/lock` (one line). */
export interface LockRecord {
  readonly holder: string
  readonly machine: string
  readonly reason: string
  readonly since: string
  readonly heartbeatAt: string
  readonly deployment: string
  readonly environment: string
  /** The Slipway process holding it, on `machine`: pid, its start time and the boot id. */
  readonly pid?: number
  readonly pidStart?: number
  readonly bootId?: string
}

/** Default time after which a lock whose heartbeat stopped is shown as stale. */
export const DEFAULT_LOCK_STALE_AFTER_MS = 10 * 60_000

/** A new lock record for one deployment, held by `actor` on this machine. */
export function newLockRecord(
  actor: string,
  deployment: string,
  environment: string,
  reason: string,
  now = new Date()
): LockRecord {
  const at = now.toISOString()
  const self = selfIdentity()
  return {
    holder: actor,
    machine: hostname(),
    reason,
    since: at,
    heartbeatAt: at,
    deployment,
    environment,
    pid: self.pid,
    pidStart: self.start,
    bootId: self.boot
  }
}

/** Reads a lock file's text into the shared Lock model; an unreadable file is a stale lock. */
export function parseLock(text: string, staleAfterMs: number, now = Date.now()): Lock | null {
  const trimmed = text.trim()
  if (trimmed === '') return null
  try {
    const raw = JSON.parse(trimmed) as Partial<Record<keyof LockRecord, unknown>>
    const str = (v: unknown, fallback: string): string => (typeof v === 'string' ? v : fallback)
    const heartbeatAt = str(raw.heartbeatAt, str(raw.since, new Date(0).toISOString()))
    const beat = Date.parse(heartbeatAt)
    const lock: Lock = {
      holder: str(raw.holder, 'unknown'),
      machine: str(raw.machine, 'unknown'),
      reason: str(raw.reason, ''),
      since: str(raw.since, heartbeatAt),
      heartbeatAt,
      stale: !Number.isFinite(beat) || now - beat > staleAfterMs
    }
    const gone = holderGone(raw, lock.machine)
    if (gone === null) return lock
    const what = typeof raw.deployment === 'string' ? ` during deployment ${raw.deployment}` : ''
    return {
      ...lock,
      stale: true,
      holderGone: `the Slipway that took it on this machine is gone: ${gone}`,
      suggestedReason: `left by a Slipway that stopped without releasing it${what} (${gone})`
    }
  } catch {
    return {
      holder: 'unknown (unreadable lock file)',
      machine: 'unknown',
      reason: trimmed.slice(0, 200),
      since: new Date(0).toISOString(),
      heartbeatAt: new Date(0).toISOString(),
      stale: true
    }
  }
}

/**
 * Why the Slipway that wrote the lock is known to be gone, or null: known only for a lock taken
 * on this machine that names its process (pid, start time, boot id); others go by heartbeat.
 */
function holderGone(
  raw: Partial<Record<keyof LockRecord, unknown>>,
  machine: string
): string | null {
  if (machine !== hostname() || typeof raw.pid !== 'number' || typeof raw.bootId !== 'string') {
    return null
  }
  const start = typeof raw.pidStart === 'number' ? raw.pidStart : 0
  return whyGone({ pid: raw.pid, start, boot: raw.bootId })
}

/** The deployment id recorded in a lock file's text, if any. */
export function lockDeploymentId(text: string): string | null {
  try {
    const raw = JSON.parse(text.trim()) as { deployment?: unknown }
    return typeof raw.deployment === 'string' ? raw.deployment : null
  } catch {
    return null
  }
}

/** One-line description of who holds a lock, for messages. */
export function describeLock(lock: Lock, now = Date.now()): string {
  const age = Math.max(0, Math.round((now - Date.parse(lock.since)) / 1000))
  const reason = lock.reason ? ` (${lock.reason})` : ''
  const state = lock.holderGone ? `, stale: ${lock.holderGone}` : lock.stale ? ', stale' : ''
  return `${lock.holder} on ${lock.machine} since ${lock.since} (${age} s)${reason}${state}`
}

/**
 * Creates the lock atomically with noclobber (`set -C`: O_EXCL), creating the layout folders
 * first. Throws ExpectedError('locked') naming the holder when the file already exists.
 */
export async function acquireHostLock(
  transport: Transport,
  record: LockRecord,
  staleAfterMs: number
): Promise<void> {
  const p = hostPaths(transport.basePath)
  const json = shellQuote(JSON.stringify(record))
  const command =
    `mkdir -p -- ${p.releases} ${p.shared} ${p.state} || exit 2; ` +
    `if err=$( (set -C; printf '%s\\n' ${json} > ${p.lock}) 2>&1 ); then echo locked; ` +
    // Refused because the file exists: someone holds the lock (or is writing it this instant).
    `elif [ -s ${p.lock} ] || printf '%s' "$err" | grep -qi exist; then echo held; cat -- ${p.lock} 2>/dev/null; ` +
    // Not held: the host could not write it (disk full, a folder it may not write). A file our
    // own create left empty is removed, or it would lock the environment for everyone.
    `else rm -f -- ${p.lock}; printf 'cannot write the lock: %s\\n' "$err" >&2; exit 2; fi`
  const out = await execChecked(transport, 'lock', command)
  const [first, ...rest] = out.split('\n')
  if (first.trim() === 'locked') return
  const lock = parseLock(rest.join('\n'), staleAfterMs)
  throw new ExpectedError(
    'locked',
    `${transport.label}: locked by ${lock ? describeLock(lock) : 'someone else'}`,
    { host: transport.label, lock }
  )
}

/** Rewrites the lock's heartbeat, only while the lock is still this deployment's. */
export async function heartbeatHostLock(transport: Transport, record: LockRecord): Promise<void> {
  const p = hostPaths(transport.basePath)
  const mine = shellQuote(`"deployment":${JSON.stringify(record.deployment)}`)
  const next = shellQuote(JSON.stringify({ ...record, heartbeatAt: new Date().toISOString() }))
  const tmp = shellQuote(`${transport.basePath.replace(/\/+$/, '')}/.slipway/lock.heartbeat`)
  await execChecked(
    transport,
    'lock heartbeat',
    `if grep -qF -- ${mine} ${p.lock} 2>/dev/null; then ` +
      `printf '%s\\n' ${next} > ${tmp} && mv -f -- ${tmp} ${p.lock}; fi`,
    { timeoutMs: 10_000 }
  )
}

/** Removes the lock if (and only if) it is still this deployment's. */
export async function releaseHostLock(transport: Transport, deploymentId: string): Promise<void> {
  const p = hostPaths(transport.basePath)
  const mine = shellQuote(`"deployment":${JSON.stringify(deploymentId)}`)
  await execChecked(
    transport,
    'unlock',
    `if grep -qF -- ${mine} ${p.lock} 2>/dev/null; then rm -f -- ${p.lock}; fi`
  )
}
