import type { EnvironmentConfig } from '../../../shared/config-schema'
import type { StoredRelease } from '../releases'
import { connectFailure, type ConnectedHost } from './connect-hosts'
import { describeLock, parseLock } from './host-lock'
import { readHostSnapshot, type HostSnapshot } from './host-read'
import { leftoverLock } from './leftover-locks'
import { errorMessage } from './remote'

type Connected = ConnectedHost & { kind: 'connected' }

/** Preflight of one host: its snapshot, whether the upload can be skipped, or why it failed. */
export type Preflight =
  | {
      readonly ok: true
      readonly host: Connected
      readonly snapshot: HostSnapshot
      readonly skipUpload: boolean
      /** The ended deployment whose lock was left on this host (removed when locking), or null. */
      readonly leftoverLock: string | null
    }
  | { readonly ok: false; readonly index: number; readonly message: string }

/** Checks one host without modifying it: layout, tools, lock, shared files, disk space. */
export async function preflightHost(
  host: ConnectedHost,
  release: StoredRelease,
  env: EnvironmentConfig,
  staleAfterMs: number,
  signal?: AbortSignal,
  /** Deployments this machine recorded as ended (see leftover-locks.ts). */
  ended: ReadonlySet<string> = new Set()
): Promise<Preflight> {
  if (host.kind === 'failed') return { ok: false, index: host.index, message: connectFailure(host) }
  try {
    const snap = await readHostSnapshot(host.transport, {
      releaseId: release.id,
      shared: env.shared,
      signal
    })
    const fail = (message: string): Preflight => ({ ok: false, index: host.index, message })
    if (snap.missingTools.length > 0)
      return fail(`missing commands on the host: ${snap.missingTools.join(', ')}`)
    const leftover = leftoverLock(snap.lockText, ended)
    const lock = leftover ? null : parseLock(snap.lockText, staleAfterMs)
    if (lock) {
      return fail(
        `locked by ${describeLock(lock)}${lock.stale ? ' (break the stale lock with a reason first)' : ''}`
      )
    }
    if (snap.unwritable.length > 0) {
      const where = snap.unwritable.map((d) => (d === '.' ? host.transport.basePath : d))
      return fail(`permission denied: cannot write ${where.join(', ')} on the host`)
    }
    if (snap.missingShared.length > 0)
      return fail(`missing in shared/: ${snap.missingShared.join(', ')}`)
    const present = snap.releases.includes(release.id)
    const skipUpload = present && snap.releaseSha256 === release.sha256
    if (present && !skipUpload && (snap.current === release.id || snap.previous === release.id)) {
      return fail(
        `releases/${release.id} is in use with a different sha256; refusing to replace it`
      )
    }
    if (!skipUpload && snap.freeBytes !== null && snap.freeBytes < 2 * release.sizeBytes) {
      return fail(
        `not enough free disk: ${snap.freeBytes} bytes free, ${2 * release.sizeBytes} needed`
      )
    }
    return { ok: true, host, snapshot: snap, skipUpload, leftoverLock: leftover }
  } catch (error) {
    return {
      ok: false,
      index: host.index,
      message: signal?.aborted ? 'cancelled' : errorMessage(error)
    }
  }
}
