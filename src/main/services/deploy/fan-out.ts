import type { EnvironmentConfig } from '../../../shared/config-schema'
import type { HostTransfer } from '../../../shared/deploy-models'
import { deployTimeouts } from '../../../shared/timeouts'
import { ExpectedError } from '../errors'
import type { StoredRelease } from '../releases'
import { EphemeralAgent, type Transport } from '../transport'
import { assembleDelta, deltaPaths, type DeltaPlan } from './delta-upload'
import {
  authorizeRelay,
  fanOutKeyComment,
  fetchFromRelay,
  probeRelay,
  relayFile,
  revokeRelay
} from './fan-out-relay'
import type { HostSnapshot } from './host-read'
import { unpackUpload, uploadPath } from './host-steps'
import { errorMessage } from './remote'
import { deltaBase, type DeltaPlans } from './send-release'

/** One host taking part in the upload phase. */
export interface FanOutHost {
  readonly index: number
  readonly label: string
  readonly transport: Transport
  readonly snapshot: HostSnapshot
}

/** Hosts that need the same bytes (the whole release, or the delta from one base): one relay. */
interface Group {
  readonly relay: FanOutHost
  readonly peers: readonly FanOutHost[]
  /** The relay file on the relay host. */
  readonly served: string
  /** Settles when the relay holds the release and serves what it received (or failed). */
  readonly ready: Promise<Served>
  settle(served: Served | Error): void
}

/** What a relay received and serves: the whole tarball, or a delta (with its plan). */
type Served = { readonly kind: 'full' } | { readonly kind: 'delta'; readonly plan: DeltaPlan }

/** How one host's upload goes in a fan-out. */
export type FanOutRole =
  | { readonly kind: 'direct' }
  | { readonly kind: 'relay'; readonly keepAs: string; readonly peers: readonly string[] }
  | { readonly kind: 'peer'; readonly relay: string }

/**
 * Fan-out inside one environment (`strategy.fanOut`): the hosts that need the same bytes (the
 * whole release, or the delta from the same base) form a group; its first host, the relay,
 * gets them from this machine, the others fetch them from the relay over SSH and verify them
 * exactly as an upload (the tarball's sha256, or the delta's assembled tree hash). The peers
 * sign in to the relay with a key made for this deployment: its private half lives only in
 * this process's agent, forwarded to each peer on a connection of its own for the probe and
 * the fetch; the relay accepts it for one forced command (probe, or read the one file) until
 * {@link close}.
 */
export class FanOut {
  readonly agent: EphemeralAgent
  private readonly groups: readonly Group[]
  private readonly connectSeconds: number
  private readonly commandMs: number

  private constructor(
    private readonly deploymentId: string,
    private readonly release: StoredRelease,
    private readonly shared: readonly string[],
    groups: readonly Group[],
    env: EnvironmentConfig,
    private readonly deltas: DeltaPlans | null
  ) {
    this.agent = new EphemeralAgent(fanOutKeyComment(deploymentId))
    this.groups = groups
    const t = deployTimeouts(env)
    this.connectSeconds = t.connectMs / 1000
    this.commandMs = t.commandMs
  }

  /**
   * Groups `hosts` by what they need; a group of one is sent to directly. Null when no group
   * has two hosts (nothing to fan out).
   */
  static async plan(
    deploymentId: string,
    release: StoredRelease,
    env: EnvironmentConfig,
    hosts: readonly FanOutHost[],
    deltas: DeltaPlans | null
  ): Promise<FanOut | null> {
    const byNeed = new Map<string, FanOutHost[]>()
    for (const h of hosts) {
      const base = deltaBase(h.snapshot, release)
      const plan = deltas && base ? await deltas.plan(base) : null
      const need = plan && !('skip' in plan) ? `delta:${base}` : 'full'
      byNeed.set(need, [...(byNeed.get(need) ?? []), h])
    }
    const groups: Group[] = []
    for (const members of byNeed.values()) {
      if (members.length < 2 || members.some((m) => !m.transport.sshPeer)) continue
      const [relay, ...peers] = members
      let settle: (s: Served | Error) => void = () => {}
      const ready = new Promise<Served>((resolve, reject) => {
        settle = (s) => (s instanceof Error ? reject(s) : resolve(s))
      })
      ready.catch(() => undefined)
      groups.push({ relay, peers, served: relayFile(relay.transport, release.id), ready, settle })
    }
    if (groups.length === 0) return null
    return new FanOut(deploymentId, release, env.shared ?? [], groups, env, deltas)
  }

  /** What host `index` does in the upload phase. */
  role(index: number): FanOutRole {
    for (const g of this.groups) {
      if (g.relay.index === index) {
        return { kind: 'relay', keepAs: g.served, peers: g.peers.map((p) => p.label) }
      }
      const peer = g.peers.find((p) => p.index === index)
      if (peer) return { kind: 'peer', relay: g.relay.label }
    }
    return { kind: 'direct' }
  }

  /**
   * The fan-out preflight, before anything is uploaded: authorizes the key on every relay,
   * then every peer proves it reaches its relay over SSH (host key verified, key accepted, the
   * forced command answering). Answers the failures (peer index and why); empty when all work.
   */
  async preflight(
    signal: AbortSignal | undefined,
    onPeer: (index: number, relay: string, error: string | null) => void
  ): Promise<{ index: number; message: string }[]> {
    const failures: { index: number; message: string }[] = []
    await Promise.all(
      this.groups.map(async (g) => {
        try {
          await authorizeRelay(g.relay.transport, this.agent, this.deploymentId, g.served)
        } catch (error) {
          failures.push({ index: g.relay.index, message: errorMessage(error) })
          return
        }
        await Promise.all(
          g.peers.map(async (p) => {
            try {
              await probeRelay(
                p.transport,
                g.relay.transport,
                this.agent,
                this.connectSeconds,
                signal
              )
              onPeer(p.index, g.relay.label, null)
            } catch (error) {
              const message = errorMessage(error)
              failures.push({ index: p.index, message })
              onPeer(p.index, g.relay.label, message)
            }
          })
        )
      })
    )
    return failures.sort((a, b) => a.index - b.index)
  }

  /** A relay's own upload ended: its peers may fetch what it kept (or must go direct). */
  relayDone(index: number, outcome: HostTransfer | Error): void {
    const g = this.groups.find((x) => x.relay.index === index)
    if (!g) return
    if (outcome instanceof Error) return g.settle(outcome)
    if (outcome.mode === 'delta' && outcome.base) {
      void this.deltaPlanOf(outcome.base).then(
        (plan) => g.settle(plan ? { kind: 'delta', plan } : new Error('no delta plan')),
        (e: unknown) => g.settle(e instanceof Error ? e : new Error(String(e)))
      )
    } else g.settle({ kind: 'full' })
  }

  /** The plan the relay's delta was made from (the same object the direct uploads share). */
  private async deltaPlanOf(base: string): Promise<DeltaPlan | null> {
    const plan = await this.deltas?.plan(base)
    return plan && !('skip' in plan) ? plan : null
  }

  /**
   * A peer's upload: waits for its relay, fetches what the relay serves over SSH, then verifies
   * and unpacks it exactly as an upload (sha256 of the tarball, or the delta's tree hash).
   * Throws when that fails (the caller then sends from this machine, saying why).
   */
  async fetchForPeer(
    index: number,
    signal: AbortSignal,
    onFetching: (relay: string) => void
  ): Promise<HostTransfer> {
    const g = this.groups.find((x) => x.peers.some((p) => p.index === index))
    const peer = g?.peers.find((p) => p.index === index)
    if (!g || !peer) throw new Error(`host ${index} has no relay`)
    let served: Served
    try {
      served = await g.ready
    } catch (error) {
      throw new ExpectedError(
        'deploy-failed',
        `relay ${g.relay.label} has nothing to serve: ${errorMessage(error)}`,
        {
          host: peer.label
        }
      )
    }
    onFetching(g.relay.label)
    const t = peer.transport
    const start = t.bytesSent
    const dest =
      served.kind === 'full' ? uploadPath(t, this.release.id) : deltaPaths(t, this.release.id).file
    const bytes = await fetchFromRelay(t, g.relay.transport, this.agent, dest, {
      connectSeconds: this.connectSeconds,
      timeoutMs: this.commandMs,
      signal
    })
    if (served.kind === 'full') await unpackUpload(t, this.release, this.shared, { signal })
    else await assembleDelta(t, this.release, served.plan, this.shared, { signal })
    return {
      mode: served.kind,
      bytesSent: t.bytesSent - start,
      bytesReused: served.kind === 'delta' ? served.plan.reusedBytes : 0,
      base: served.kind === 'delta' ? served.plan.base.id : null,
      fallback: null,
      relay: { host: g.relay.label, bytes }
    }
  }

  /**
   * Ends the fan-out: the agent forgets the key (nothing can sign with it any more), and each
   * relay's authorized_keys line and served file are removed. Never throws.
   */
  async close(): Promise<void> {
    this.agent.close()
    for (const g of this.groups) g.settle(new Error('fan-out closed'))
    await Promise.all(
      this.groups.map((g) => revokeRelay(g.relay.transport, this.deploymentId, g.served))
    )
  }
}
