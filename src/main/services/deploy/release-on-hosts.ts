import type { EnvironmentConfig } from '../../../shared/config-schema'
import type { TransportContext } from '../transport'
import { closeHosts, connectFailure, connectHosts } from './connect-hosts'
import { readHostSnapshot } from './host-read'
import { errorMessage } from './remote'

/** What one host holds of a release: whether it is there and the sha256 it recorded. */
export interface ReleaseOnHost {
  readonly host: string
  readonly present: boolean
  /** `releases/<id>/.slipway-sha256`, or null when absent or unreadable. */
  readonly sha256: string | null
  /** Why the host could not be read, or null. */
  readonly error: string | null
}

/**
 * Reads, on every host of `env` in parallel, whether `releaseId` is there and which sha256
 * the host recorded for it (read only): a promotion compares it with the release manifest
 * before anything is started.
 */
export async function readReleaseOnHosts(
  env: EnvironmentConfig,
  transport: TransportContext,
  releaseId: string
): Promise<ReleaseOnHost[]> {
  const hosts = await connectHosts(env, transport)
  try {
    return await Promise.all(
      hosts.map(async (h): Promise<ReleaseOnHost> => {
        if (h.kind === 'failed') {
          return { host: h.label, present: false, sha256: null, error: connectFailure(h) }
        }
        try {
          const snap = await readHostSnapshot(h.transport, { releaseId })
          return {
            host: h.label,
            present: snap.releases.includes(releaseId),
            sha256: snap.releaseSha256,
            error: null
          }
        } catch (error) {
          return { host: h.label, present: false, sha256: null, error: errorMessage(error) }
        }
      })
    )
  } finally {
    await closeHosts(hosts)
  }
}
