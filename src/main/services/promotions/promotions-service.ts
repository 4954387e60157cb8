/**
 * Promotions of one workspace, stored as team state (`refs/slipway/promotions/<id>`): a
 * release current and healthy on every host of `promoteFrom` is requested for the next
 * environment (what ships is fixed then), approved by others (signed where required), then
 * the very same artifact is deployed (sha256 checked on every target host) and the outcome
 * recorded. Every change is published to origin when there is one.
 */
import { randomBytes } from 'node:crypto'
import type { SlipwayConfig } from '../../../shared/config-schema'
import type { Deployment, EnvironmentStatus, Release } from '../../../shared/deploy-models'
import type { LedgerDraft } from '../../../shared/ledger-models'
import type { Promotion } from '../../../shared/promotion-models'
import type { Ticket } from '../../../shared/ticket-models'
import { ExpectedError } from '../errors'
import { runGit } from '../git'
import type { SyncOutcome, TeamStateStore } from '../team-state'
import { readIdentity } from '../team-state/git-write'
import { approvalRules, judgePromotion, refusalOf } from './approvals'
import { approvalPayload, foldPromotion, PROMOTION_OPS, type RawPromotion } from './promotion-fold'
import { candidateOf } from './promotion-candidate'
import { changeRequestOf, type PromotionChanges } from './promotion-change'
import { findRelease, requireOnSource, requireSameArtifact } from './promotion-checks'
import { approvalEntry, ledgerOutcome, promotionEntry, type RecordEntry } from './promotion-ledger'
import { notesOf } from './ships'
import { signPayload, verifyPayload } from './ssh-signature'

const PROMOTIONS = 'promotions/'

/** What promotions need from the deploy domain (the workspace's DeployService). */
export interface PromoteDeploy {
  status(environment: string): Promise<EnvironmentStatus>
  listReleases(): Promise<Release[]>
  /** Per target host: whether it holds `release` and the sha256 it recorded for it. */
  releaseOnHosts(
    environment: string,
    release: string
  ): Promise<{ host: string; present: boolean; sha256: string | null; error: string | null }[]>
  deployToEnd(
    release: string,
    environment: string,
    reason: string,
    onStarted: (d: Deployment) => void,
    options: { overrideFreeze?: string; promotion?: string }
  ): Promise<Deployment>
}

/** The team sync as promotions use it. */
export interface PromoteSync {
  sync(): Promise<SyncOutcome>
  publish(): Promise<boolean>
  hasOrigin(): Promise<boolean>
}

/** What the promotions service needs. */
export interface PromotionsOptions {
  readonly repo: string
  readonly mainBranch: string
  readonly config: SlipwayConfig
  readonly store: TeamStateStore
  readonly sync: PromoteSync
  readonly deploy: PromoteDeploy
  /** The tracker's tickets (for what ships and release notes). */
  readonly tickets: () => Promise<readonly Ticket[]>
  /** Told after a promotion changed here. */
  readonly changed?: (promotion: Promotion) => void
  /** Appends to the workspace's ledger (requests, approvals, refusals, outcomes). */
  readonly record?: RecordEntry
  /** The tracker's change tickets: one per promotion, with approvals and outcome. */
  readonly changes?: PromotionChanges
}

/** What promoting did: still waiting, or deployed with the deployment's end. */
export type PromoteOutcome =
  | { readonly kind: 'pending'; readonly promotion: Promotion }
  | { readonly kind: 'deployed'; readonly promotion: Promotion; readonly deployment: Deployment }

/** The promotions of one workspace. */
export class PromotionsService {
  constructor(readonly options: PromotionsOptions) {}

  /** Every readable promotion, newest first, with approvals judged now. */
  async list(): Promise<Promotion[]> {
    const snap = await this.options.store.snapshot((p) => p.startsWith(PROMOTIONS))
    const raws: RawPromotion[] = []
    for (const [path, log] of snap.entities) {
      const raw = foldPromotion(path.slice(PROMOTIONS.length), log.ops)
      if (raw) raws.push(raw)
    }
    const judged = await Promise.all(raws.map((r) => this.judge(r)))
    if (this.options.changes) {
      const changes = new Map<string, string>()
      for (const t of await this.options.tickets()) {
        if (t.change) changes.set(t.change.promotion, t.key)
      }
      for (const p of judged) p.changeTicket = changes.get(p.id) ?? null
    }
    return judged.sort((a, b) => b.requestedAt.localeCompare(a.requestedAt))
  }

  private async judge(raw: RawPromotion): Promise<Promotion> {
    const env = this.options.config.environments.find((e) => e.name === raw.to)
    const rules = approvalRules(env)
    const signers = rules.signed ? await this.allowedSigners(rules.allowedSigners) : null
    return judgePromotion(raw, env, (a) =>
      verifyPayload({
        allowedSigners: signers,
        source: rules.allowedSigners,
        principal: a.by.email,
        payload: approvalPayload(raw),
        signature: a.signature ?? ''
      })
    )
  }

  /** The allowed-signers file as committed on main (never the working tree), or null. */
  private async allowedSigners(path: string): Promise<string | null> {
    const out = await runGit(
      this.options.repo,
      ['cat-file', 'blob', `refs/heads/${this.options.mainBranch}:${path}`],
      { okExitCodes: [0, 128] }
    )
    return out.exitCode === 0 ? out.stdout : null
  }

  /** The open (not ended) promotion of `release` to `to`, if any. */
  async open(release: string, to: string): Promise<Promotion | null> {
    return (
      (await this.list()).find(
        (p) => p.release === release && p.to === to && p.state !== 'ended'
      ) ?? null
    )
  }

  /** What promoting `release` to `to` would ship, after the source check; changes nothing. */
  async preview(releaseId: string, to: string): Promise<Promotion> {
    const raw = await candidateOf(this.options, releaseId, to, '')
    return this.judge({ ...raw, id: 'preview' })
  }

  private async syncFirst(): Promise<void> {
    if (await this.options.sync.hasOrigin()) await this.options.sync.sync()
  }

  private async publish(): Promise<void> {
    if (await this.options.sync.hasOrigin()) await this.options.sync.publish()
  }

  /**
   * Requests the promotion of `release` to `to` (or finds the open one). While approvals are
   * missing it answers `pending`, naming them; once approved it deploys the same artifact,
   * records the outcome, and answers `deployed`.
   */
  async promote(
    releaseId: string,
    to: string,
    options: { reason?: string; overrideFreeze?: string } = {}
  ): Promise<PromoteOutcome> {
    await this.syncFirst()
    let promotion = await this.open(releaseId, to)
    const created = !promotion
    if (!promotion) {
      const c = await candidateOf(this.options, releaseId, to, options.reason?.trim() ?? '')
      const id = randomBytes(8).toString('hex')
      await this.options.store.append({
        path: PROMOTIONS + id,
        type: PROMOTION_OPS.request,
        data: {
          release: c.release,
          sha256: c.sha256,
          commit: c.commit,
          from: c.from,
          to: c.to,
          reason: c.reason,
          ships: c.ships
        },
        summary: `Promote ${c.release} from ${c.from} to ${c.to}`,
        mode: 'create'
      })
      promotion = await this.get(id)
      await this.record(
        promotionEntry(promotion, promotion.requestedBy, 'requested', {
          reason: promotion.reason || null
        })
      )
    }
    const opened = this.options.changes && !promotion.changeTicket
    if (opened) {
      // Opened with the request; a request whose ticket could not be opened then (a failure
      // between the two writes) gets it the next time it is promoted.
      const ticket = await this.options.changes?.open(changeRequestOf(promotion))
      promotion = { ...promotion, changeTicket: ticket?.key ?? null }
    }
    if (created || opened) {
      await this.publish()
      this.options.changed?.(promotion)
    }
    if (promotion.state === 'pending') return { kind: 'pending', promotion }
    return this.deploy(promotion, options.overrideFreeze)
  }

  private async get(id: string): Promise<Promotion> {
    const found = (await this.list()).find((p) => p.id === id)
    if (!found) throw new ExpectedError('not-found', `no promotion ${id}`)
    return found
  }

  private async deploy(promotion: Promotion, overrideFreeze?: string): Promise<PromoteOutcome> {
    const { release, to, from } = promotion
    const me = await readIdentity(this.options.repo)
    let deployment: Deployment
    try {
      await requireOnSource(this.options.deploy, release, from)
      await requireSameArtifact(this.options.deploy, promotion)
      const reason = `promotion ${promotion.id} of ${release} from ${from}${promotion.reason ? `: ${promotion.reason}` : ''}`
      deployment = await this.options.deploy.deployToEnd(release, to, reason, () => undefined, {
        promotion: promotion.id,
        ...(overrideFreeze ? { overrideFreeze } : {})
      })
    } catch (err) {
      // Refused before anything started (source moved on, another artifact, a freeze, …).
      if (err instanceof ExpectedError) {
        await this.record(promotionEntry(promotion, me, 'refused', { reason: err.message }))
      }
      throw err
    }
    const status = deployment.status === 'running' ? 'failed' : deployment.status
    await this.options.store.append({
      path: PROMOTIONS + promotion.id,
      type: PROMOTION_OPS.outcome,
      data: { status, deployment: deployment.id, summary: deployment.summary },
      summary: `Promotion of ${release} to ${to}: ${status}`,
      mode: 'append'
    })
    await this.options.changes?.ended(promotion.id, {
      status,
      deployment: deployment.id,
      summary: deployment.summary
    })
    await this.record(
      promotionEntry(promotion, me, 'ended', {
        outcome: ledgerOutcome(status),
        reason: `deployment ${deployment.id}: ${deployment.summary}`
      })
    )
    await this.publish()
    const ended = await this.get(promotion.id)
    this.options.changed?.(ended)
    return { kind: 'deployed', promotion: ended, deployment }
  }

  private async record(draft: LedgerDraft): Promise<void> {
    await this.options.record?.(draft)
  }

  /**
   * Approves the open promotion of `release` to `to` as this clone's git identity: refused,
   * saying why, for the requester and (with authorCannotApprove) any author of a shipped
   * commit; signed with `user.signingkey` where approvals must be signed, and refused when
   * that signature would not verify against the allowed-signers file on main.
   */
  async approve(releaseId: string, to: string): Promise<Promotion> {
    await this.syncFirst()
    const promotion = await this.open(releaseId, to)
    if (!promotion) {
      throw new ExpectedError(
        'not-found',
        `no open promotion of ${releaseId} to ${to}: request it first with slipway promote ${releaseId} ${to}`
      )
    }
    const me = await readIdentity(this.options.repo)
    const rules = approvalRules(this.options.config.environments.find((e) => e.name === to))
    const refuse = async (why: string): Promise<never> => {
      await this.record(promotionEntry(promotion, me, 'approval refused', { reason: why }))
      throw new ExpectedError('conflict', why, { promotion: promotion.id })
    }
    const refused = refusalOf(promotion, me.email, rules.authorCannotApprove)
    if (refused) await refuse(refused)
    let signature: string | null = null
    const payload = approvalPayload(promotion)
    if (rules.signed) {
      signature = await signPayload(this.options.repo, payload)
      const verdict = await verifyPayload({
        allowedSigners: await this.allowedSigners(rules.allowedSigners),
        source: rules.allowedSigners,
        principal: me.email,
        payload,
        signature
      })
      if (!verdict.ok) await refuse(`your approval would not count: ${verdict.why}`)
    }
    await this.options.store.append({
      path: PROMOTIONS + promotion.id,
      type: PROMOTION_OPS.approve,
      data: signature ? { signature } : {},
      summary: `Approve ${releaseId} for ${to}`,
      mode: 'append'
    })
    await this.options.changes?.approved(promotion.id, signature !== null)
    await this.record(approvalEntry(promotion, me, signature, payload))
    await this.publish()
    const approved = await this.get(promotion.id)
    this.options.changed?.(approved)
    return approved
  }

  /**
   * Withdraws the open promotion of `release` to `to` as its requester (anyone else is refused,
   * saying who may): the promotion ends `cancelled`, as do its change ticket and its ledger trail.
   */
  async cancel(releaseId: string, to: string, reason: string | null): Promise<Promotion> {
    await this.syncFirst()
    const promotion = await this.open(releaseId, to)
    if (!promotion) {
      throw new ExpectedError(
        'not-found',
        `no open promotion of ${releaseId} to ${to} to withdraw (a promotion that was deployed or withdrawn has ended)`
      )
    }
    const me = await readIdentity(this.options.repo)
    if (promotion.requestedBy.email.toLowerCase() !== me.email.toLowerCase()) {
      const why = `only ${promotion.requestedBy.email}, who requested this promotion, can withdraw it (you are ${me.email || me.name})`
      await this.record(promotionEntry(promotion, me, 'cancel refused', { reason: why }))
      throw new ExpectedError('conflict', why, { promotion: promotion.id })
    }
    const summary = `withdrawn by ${me.email}${reason ? `: ${reason}` : ''}`
    await this.options.store.append({
      path: PROMOTIONS + promotion.id,
      type: PROMOTION_OPS.outcome,
      data: { status: 'cancelled', deployment: null, summary },
      summary: `Promotion of ${releaseId} to ${to}: withdrawn`,
      mode: 'append'
    })
    await this.options.changes?.ended(promotion.id, {
      status: 'cancelled',
      deployment: null,
      summary
    })
    await this.record(promotionEntry(promotion, me, 'cancelled', { outcome: 'cancelled', reason }))
    await this.publish()
    const ended = await this.get(promotion.id)
    this.options.changed?.(ended)
    return ended
  }

  /** Release notes in Markdown from the release's tickets, grouped by type. */
  async notes(releaseId: string): Promise<string> {
    const { release, all } = await findRelease(this.options.deploy, releaseId)
    const previous = release.previousId ? all.find((r) => r.id === release.previousId) : null
    return notesOf({
      repo: this.options.repo,
      release,
      previous: previous ?? null,
      ticketPattern: this.options.config.tickets.pattern,
      tracked: await this.options.tickets()
    })
  }
}
