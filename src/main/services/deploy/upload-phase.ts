import type { EnvironmentConfig } from '../../../shared/config-schema'
import type { HostTransfer } from '../../../shared/deploy-models'
import { plural } from '../../../shared/plural'
import { ExpectedError } from '../errors'
import type { StoredRelease } from '../releases'
import type { DeploymentTracker } from './deployment-tracker'
import { FanOut } from './fan-out'
import type { Preflight } from './preflight-host'
import { errorMessage } from './remote'
import { DeltaPlans, readyMessage, sendRelease } from './send-release'
import type { DeployContext } from './types'

type Ready = Preflight & { ok: true }

/** How the upload phase ended: refused by the fan-out preflight, or per host whether it worked. */
export type UploadOutcome =
  | { readonly kind: 'refused'; readonly message: string }
  | { readonly kind: 'uploaded'; readonly ok: readonly boolean[] }

/**
 * Puts the release on every ready host in parallel (skipping those that hold it); the first
 * failure stops the other uploads. With `strategy.fanOut`, hosts needing the same bytes get
 * them once from this machine (their relay) and fetch them from it; the fan-out preflight runs
 * first and refuses (nothing uploaded) when a peer cannot reach its relay; a peer whose fetch
 * or verification fails gets a direct upload, with the reason logged and recorded.
 */
export async function uploadPhase(
  release: StoredRelease,
  env: EnvironmentConfig,
  ready: readonly Ready[],
  tracker: DeploymentTracker,
  ctx: DeployContext,
  deploymentId: string,
  signal: AbortSignal | undefined
): Promise<UploadOutcome> {
  const uploadStop = new AbortController()
  const uploadSignal = signal ? AbortSignal.any([signal, uploadStop.signal]) : uploadStop.signal
  const deltas = ctx.findRelease ? new DeltaPlans(release, env.shared ?? [], ctx.findRelease) : null
  let fan: FanOut | null = null
  try {
    if (env.strategy?.fanOut) {
      const sending = ready.filter((r) => !r.skipUpload)
      fan = await FanOut.plan(
        deploymentId,
        release,
        env,
        sending.map((r) => ({
          index: r.host.index,
          label: r.host.label,
          transport: r.host.transport,
          snapshot: r.snapshot
        })),
        deltas
      )
      if (!fan) tracker.log('fan-out: no two hosts need the same bytes; each is sent to directly')
      else {
        const refused = await fanOutPreflight(fan, tracker, ready, signal)
        if (refused) return { kind: 'refused', message: refused }
      }
    }
    const fanOut = fan
    const ok = await Promise.all(ready.map((r) => uploadOne(r)))
    return { kind: 'uploaded', ok }

    async function uploadOne(r: Ready): Promise<boolean> {
      const i = r.host.index
      if (r.skipUpload) {
        tracker.host(
          i,
          'upload',
          'skipped',
          `${release.id} already on the host with the same sha256`
        )
        tracker.skip(i, ['unpack'], `${release.id} is already unpacked on the host`)
        tracker.transfer(i, {
          mode: 'present',
          bytesSent: 0,
          bytesReused: 0,
          base: null,
          fallback: null
        })
        return true
      }
      const role = fanOut?.role(i) ?? { kind: 'direct' as const }
      try {
        let transfer: HostTransfer
        if (role.kind === 'peer' && fanOut) transfer = await viaRelay(r, fanOut)
        else {
          if (role.kind === 'relay') {
            tracker.log(`relay for ${role.peers.join(', ')}`, r.host.label)
          }
          transfer = await direct(r, { keepAs: role.kind === 'relay' ? role.keepAs : undefined })
          fanOut?.relayDone(i, transfer)
        }
        tracker.transfer(i, transfer)
        tracker.host(i, 'unpack', 'done', readyMessage(release.id, transfer))
        return true
      } catch (error) {
        const stoppedByOther = uploadStop.signal.aborted && !signal?.aborted
        const message = signal?.aborted
          ? 'cancelled'
          : stoppedByOther
            ? 'stopped: another host failed'
            : errorMessage(error)
        tracker.host(i, tracker.stateOf(i).step, stoppedByOther ? 'skipped' : 'failed', message)
        uploadStop.abort()
        // Its peers (if it is a relay) stop too: the deployment fails with this host anyway.
        fanOut?.relayDone(i, new Error(message))
        return false
      }
    }

    /** A peer: fetch from its relay; when that fails, a direct upload saying why. */
    async function viaRelay(r: Ready, fanOut: FanOut): Promise<HostTransfer> {
      const i = r.host.index
      try {
        return await fanOut.fetchForPeer(i, uploadSignal, (relay) => {
          tracker.host(i, 'upload', 'running', `fetching from ${relay} (relay)`)
        })
      } catch (error) {
        const code = error instanceof ExpectedError ? error.code : null
        if (uploadSignal.aborted || code === 'cancelled') throw error
        const why = `fan-out: ${errorMessage(error)}`
        tracker.log(`${why}; sending from this machine instead`, r.host.label)
        return direct(r, { fallback: why })
      }
    }

    /** A direct upload from this machine (delta when it can), with progress. */
    function direct(
      r: Ready,
      extra: { keepAs?: string; fallback?: string }
    ): Promise<HostTransfer> {
      const i = r.host.index
      tracker.host(i, 'upload', 'running', `${release.sizeBytes} bytes`)
      return sendRelease(r.host.transport, release, r.snapshot, env.shared ?? [], deltas, {
        signal: uploadSignal,
        onProgress: (sent, total) => tracker.progress(i, total > 0 ? sent / total : 1),
        onUploaded: () => {
          tracker.progress(i, 1)
          tracker.host(i, 'unpack', 'running', 'verifying and unpacking')
        },
        log: (line) => tracker.log(line, r.host.label),
        onFull: () =>
          tracker.host(i, 'upload', 'running', `${release.sizeBytes} bytes (whole release)`),
        ...extra
      })
    }
  } finally {
    await fan?.close()
    await deltas?.dispose()
  }
}

/**
 * Every peer proves it reaches its relay before anything is uploaded; answers the refusal, or
 * null when every path works.
 */
async function fanOutPreflight(
  fan: FanOut,
  tracker: DeploymentTracker,
  ready: readonly Ready[],
  signal: AbortSignal | undefined
): Promise<string | null> {
  const label = (i: number): string => ready.find((r) => r.host.index === i)?.host.label ?? `#${i}`
  for (const r of ready) {
    const role = fan.role(r.host.index)
    if (role.kind === 'peer') {
      tracker.host(r.host.index, 'upload', 'running', `checking SSH to ${role.relay} (relay)`)
    }
  }
  const failures = await fan.preflight(signal, (i, relay, error) => {
    if (error === null) tracker.host(i, 'upload', 'pending', `will fetch from ${relay} (relay)`)
  })
  if (signal?.aborted) return 'Cancelled during the fan-out preflight; nothing was uploaded.'
  if (failures.length === 0) {
    tracker.log(
      `fan-out preflight: ${plural(ready.filter((r) => fan.role(r.host.index).kind === 'peer').length, 'host')} reach their relay over SSH`
    )
    return null
  }
  for (const f of failures) tracker.host(f.index, 'upload', 'failed', f.message)
  for (const r of ready) {
    const state = tracker.stateOf(r.host.index)
    if (state.state !== 'failed')
      tracker.host(r.host.index, 'upload', 'skipped', 'nothing uploaded')
  }
  const first = failures[0]
  return `Fan-out preflight failed on ${failures.map((f) => label(f.index)).join(', ')} (${first.message}); nothing was uploaded. Host-to-host SSH must work for strategy.fanOut (see README: fan-out).`
}
