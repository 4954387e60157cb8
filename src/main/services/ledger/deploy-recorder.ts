/**
 * Turns what the deploy domain does into ledger entries: a release built, a deployment or
 * rollback started (its hosts known) and finished (its outcome), the lock it took on every
 * host, a lock broken, a freeze overridden. Entries are appended one after another in the
 * order things happened; a failed append goes to `failed` and never reaches the operation.
 */
import type { Deployment, FreezeOverride, Release } from '../../../shared/deploy-models'
import type { LedgerDraft, LedgerOutcome } from '../../../shared/ledger-models'
import type { BrokenLock, DeployRecorder } from '../deploy'

/** What the recorder appends through, and how it learns a release's tickets. */
export interface RecorderOptions {
  readonly append: (draft: LedgerDraft) => Promise<unknown>
  readonly failed: (message: string, err: unknown) => void
  /** The tickets a release ships (from its manifest); empty when it is not known here. */
  readonly ticketsOf: (release: string) => Promise<readonly string[]>
  /** `user@machine`: who breaks a lock from this process. */
  readonly actor: string
}

interface Seen {
  started: boolean
  locked: boolean
  finished: boolean
}

const PAST_LOCK = new Set(['upload', 'verify', 'unpack', 'activate', 'hook', 'health'])
const SEEN_LIMIT = 500

/** The ledger's side of {@link DeployRecorder}. */
export class LedgerDeployRecorder implements DeployRecorder {
  private queue: Promise<void> = Promise.resolve()
  private readonly seen = new Map<string, Seen>()
  private readonly lockedHosts = new Map<string, Set<string>>()

  constructor(private readonly options: RecorderOptions) {}

  /** Resolves once every entry asked for so far was appended (or failed). */
  idle(): Promise<void> {
    return this.queue
  }

  released(release: Release): void {
    this.enqueue(`release ${release.id}`, async () => ({
      kind: 'release',
      by: release.createdBy,
      at: release.createdAt,
      environment: null,
      tickets: release.tickets,
      release: release.id,
      commit: release.commit,
      sha256: release.sha256,
      previous: release.previousId
    }))
  }

  deployment(d: Deployment, reason: string | null): void {
    // A rollback learns its target from the hosts: its first snapshots name no release. Nothing
    // is recorded until it has one (a rollback refused before choosing one changed nothing).
    if (d.release === '') return
    const seen = this.seenOf(d.id)
    if (!seen.started) {
      seen.started = true
      this.enqueue(`${d.kind} ${d.id} start`, () => this.movement(d, reason, 'started'))
    }
    if (!seen.locked && this.allLocked(d)) {
      seen.locked = true
      this.enqueue(`lock for ${d.id}`, async () => ({
        kind: 'lock',
        by: d.startedBy,
        environment: d.environment,
        tickets: [],
        deployment: d.id,
        hosts: d.hosts.map((h) => h.host),
        reason
      }))
    }
    if (!seen.finished && d.status !== 'running') {
      seen.finished = true
      this.enqueue(`${d.kind} ${d.id} end`, () => this.movement(d, reason, 'finished'))
    }
  }

  lockBroken(environment: string, broken: readonly BrokenLock[], reason: string): void {
    if (broken.length === 0) return
    const first = broken[0] as BrokenLock
    const heldMs = Date.now() - Date.parse(first.since)
    this.enqueue(`lock break on ${environment}`, async () => ({
      kind: 'lock-break',
      by: this.options.actor,
      environment,
      tickets: [],
      hosts: broken.map((b) => b.host),
      holder: `${first.holder} (${first.machine}): ${first.reason}`,
      since: first.since,
      heldFor: Number.isFinite(heldMs) ? `${Math.round(heldMs / 60_000)} min` : null,
      reason
    }))
  }

  overrode(environment: string, o: FreezeOverride): void {
    const until = `until ${o.freeze.endsAtLocal} ${o.freeze.timeZone}`
    this.enqueue(`freeze override on ${environment}`, async () => ({
      kind: 'override',
      by: o.by,
      at: o.at,
      environment,
      tickets: [...(await this.options.ticketsOf(o.release).catch(() => []))],
      rule: 'freeze',
      window: `${o.freeze.windows.join(', ')} (${until})`,
      release: o.release,
      reason: o.reason
    }))
  }

  private async movement(
    d: Deployment,
    reason: string | null,
    phase: 'started' | 'finished'
  ): Promise<LedgerDraft> {
    const outcome: LedgerOutcome | null = d.status === 'running' ? null : d.status
    return {
      kind: d.kind === 'rollback' ? 'rollback' : 'deployment',
      by: d.startedBy,
      at: phase === 'started' ? d.startedAt : (d.finishedAt ?? new Date().toISOString()),
      environment: d.environment,
      tickets: [...(await this.options.ticketsOf(d.release).catch(() => []))],
      deployment: d.id,
      release: d.release,
      phase,
      outcome: phase === 'started' ? null : outcome,
      hosts: d.hosts.map((h) => h.host),
      reason,
      summary: phase === 'started' ? `started by ${d.startedBy}` : d.summary
    }
  }

  /** True once every host has its lock (seen done, or past the lock step). */
  private allLocked(d: Deployment): boolean {
    const set = this.lockedHosts.get(d.id) ?? new Set<string>()
    this.lockedHosts.set(d.id, set)
    for (const h of d.hosts) {
      if ((h.step === 'lock' && h.state === 'done') || PAST_LOCK.has(h.step)) set.add(h.host)
    }
    return d.hosts.length > 0 && d.hosts.every((h) => set.has(h.host))
  }

  private seenOf(id: string): Seen {
    let seen = this.seen.get(id)
    if (!seen) {
      seen = { started: false, locked: false, finished: false }
      this.seen.set(id, seen)
      // Old deployments are done with: keep the memory bounded in a long-running app.
      if (this.seen.size > SEEN_LIMIT) {
        const oldest = this.seen.keys().next().value as string
        this.seen.delete(oldest)
        this.lockedHosts.delete(oldest)
      }
    }
    return seen
  }

  private enqueue(what: string, draft: () => Promise<LedgerDraft>): void {
    this.queue = this.queue.then(async () => {
      try {
        await this.options.append(await draft())
      } catch (err) {
        this.options.failed(`could not record ${what} in the ledger`, err)
      }
    })
  }
}
