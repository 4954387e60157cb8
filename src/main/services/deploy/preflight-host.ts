import type { EnvironmentConfig } from '../../../shared/config-schema'
import type { StoredRelease } from '../releases'
import { connectFailure, type ConnectedHost } from './connect-hosts'
import { describeLock, parseLock } from './host-lock'
import { readHostSnapshot, type HostSnapshot } from './host-read'
import { errorMessage } from './remote'

type Connected = ConnectedHost & { kind: 'connected' }

/** Preflight of one host: its snapshot, whether the upload can be skipped, or why it failed. */
export type Preflight =
  | {
      readonly ok: true
      readonly host: Connected
      readonly snapshot: HostSnapshot
      readonly skipUpload: boolean
    }
  | { readonly ok: false; readonly index: number; readonly message: string }

/** Checks one host without modifying it: layout, tools, lock, shared files, disk space. */
export async function preflightHost(
  host: ConnectedHost,
  release: StoredRelease,
  env: EnvironmentConfig,
  staleAfterMs: number,
  signal?: AbortSignal
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
    const lock = parseLock(snap.lockText, staleAfterMs)
    if (lock) {
      return fail(
        `locked by ${describeLock(lock)}${lock.stale ? ' (break the stale lock with a reason first)' : ''}`
      )
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
    return { ok: true, host, snapshot: snap, skipUpload }
  } catch (error) {
    return {
      ok: false,
      index: host.index,
      message: signal?.aborted ? 'cancelled' : errorMessage(error)
    }
  }
}
