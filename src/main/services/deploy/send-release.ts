import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { HostTransfer } from '../../../shared/deploy-models'
import type { StoredRelease } from '../releases'
import { shellQuote, type Transport } from '../transport'
import { deltaPaths, planDelta, uploadDelta, type DeltaPlan } from './delta-upload'
import type { HostSnapshot } from './host-read'
import { uploadRelease } from './host-steps'
import { ExpectedError } from '../errors'
import { errorMessage } from './remote'

/**
 * The deltas of one deployment, planned once per base release and shared by every host that
 * holds that base; written to a private temporary folder removed by {@link dispose}.
 */
export class DeltaPlans {
  private dir: Promise<string> | null = null
  private readonly plans = new Map<string, Promise<DeltaPlan | { readonly skip: string }>>()

  constructor(
    private readonly release: StoredRelease,
    private readonly shared: readonly string[],
    /** The local store's release of an id, or null when it is not there (any more). */
    private readonly findRelease: (id: string) => Promise<StoredRelease | null>
  ) {}

  /** The delta from `baseId`, or why there is none. */
  plan(baseId: string): Promise<DeltaPlan | { readonly skip: string }> {
    let plan = this.plans.get(baseId)
    if (!plan) {
      plan = (async () => {
        const base = await this.findRelease(baseId).catch(() => null)
        if (!base) return { skip: `${baseId} is no longer in the local release store` }
        this.dir ??= mkdtemp(join(tmpdir(), 'slipway-delta-'))
        return planDelta(this.release, base, this.shared, await this.dir)
      })().catch((e: unknown) => ({ skip: `planning the delta failed: ${errorMessage(e)}` }))
      this.plans.set(baseId, plan)
    }
    return plan
  }

  /** Removes the delta files written on this machine. */
  async dispose(): Promise<void> {
    if (this.dir) await rm(await this.dir, { recursive: true, force: true }).catch(() => {})
  }
}

/**
 * Puts `release` into `releases/<id>` of one host, sending as little as it can: when the host
 * runs (or ran just before) a release this machine still has, only the delta against it;
 * otherwise, or when the delta cannot be planned or the host's assembled tree does not verify,
 * the whole tarball, with the reason in `fallback` (and logged). Connection loss and cancel
 * are not retried. Answers what was sent and reused, counted by the transport.
 */
export async function sendRelease(
  transport: Transport,
  release: StoredRelease,
  snapshot: HostSnapshot,
  shared: readonly string[],
  deltas: DeltaPlans | null,
  options: {
    signal?: AbortSignal
    onProgress?: (sent: number, total: number) => void
    onUploaded?: () => void
    /** A line for the deployment log about this host. */
    log?: (line: string) => void
    /** Called when the whole tarball is sent after all (its size is the new total). */
    onFull?: () => void
    /** Keep what was sent (tarball or delta) at this path on the host: a fan-out relay serves it. */
    keepAs?: string
    /** Why this host is sent to directly, recorded when nothing else is (fan-out fell back). */
    fallback?: string
  } = {}
): Promise<HostTransfer> {
  const start = transport.bytesSent
  const sent = (): number => transport.bytesSent - start
  const baseId = deltaBase(snapshot, release)
  let fallback: string | null = options.fallback ?? null
  if (deltas && baseId) {
    const plan = await deltas.plan(baseId)
    if ('skip' in plan) fallback = plan.skip
    else {
      options.log?.(
        `delta from ${baseId}: ${plan.reuse.length} unchanged files (${plan.reusedBytes} bytes) copied on the host`
      )
      try {
        await uploadDelta(transport, release, plan, shared, options)
        return {
          mode: 'delta',
          bytesSent: sent(),
          bytesReused: plan.reusedBytes,
          base: baseId,
          fallback: options.fallback ?? null
        }
      } catch (error) {
        const code = error instanceof ExpectedError ? error.code : null
        if (options.signal?.aborted || code === 'unreachable' || code === 'cancelled') throw error
        fallback = `delta from ${baseId} failed: ${errorMessage(error)}`
        const { file, list } = deltaPaths(transport, release.id)
        await transport
          .exec(`rm -f -- ${shellQuote(file)} ${shellQuote(list)}`, { timeoutMs: 10_000 })
          .catch(() => undefined)
      }
    }
    options.log?.(`${fallback}; sending the whole release`)
    if (options.fallback) fallback = `${options.fallback}; ${fallback}`
    options.onFull?.()
  }
  await uploadRelease(transport, release, shared, options)
  return { mode: 'full', bytesSent: sent(), bytesReused: 0, base: null, fallback }
}

/**
 * The release a delta to this host would be made against: the one it runs, else the one it ran
 * before, when it still holds it; null when there is none.
 */
export function deltaBase(snapshot: HostSnapshot, release: StoredRelease): string | null {
  return (
    [snapshot.current, snapshot.previous].find(
      (id): id is string => id !== null && id !== release.id && snapshot.releases.includes(id)
    ) ?? null
  )
}

/** The unpack step's closing message for one host. */
export function readyMessage(id: string, transfer: HostTransfer): string {
  return transfer.mode === 'delta'
    ? `releases/${id} ready (${transfer.bytesSent} bytes sent, ${transfer.bytesReused} reused from ${transfer.base}; every file's sha256 verified)`
    : `releases/${id} ready (sha256 verified)`
}
