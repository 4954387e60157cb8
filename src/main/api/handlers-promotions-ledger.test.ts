import { execFileSync } from 'node:child_process'
import { afterEach, describe, expect, it } from 'vitest'
import type { LedgerRecord } from '../../shared/ledger-models'
import { Ledger } from '../services/ledger'
import { approvalPayload, APPROVAL_NAMESPACE } from '../services/promotions'
import { TeamStateStore } from '../services/team-state'
import { git } from '../testing/team-repos'
import { onStaging, openAs, promotionTeam, refusal, value } from '../testing/promotion-team'

const cleanup: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step()
})

/** What a ledger record says in one line, for comparing the promotion's trail. */
function line(r: LedgerRecord): string {
  const e = r.entry
  if (e.kind === 'promotion') return `promotion ${e.state} ${e.outcome ?? '-'} by ${e.by}`
  if (e.kind === 'approval') return `approval by ${e.by} ${e.signature ? 'signed' : 'unsigned'}`
  if (e.kind === 'deployment') return `deployment ${e.phase} ${e.environment ?? ''}`
  return e.kind
}

describe('promotions in the ledger: two clones, signed approvals', { timeout: 300_000 }, () => {
  it('records the request, refusals, the signed approval and the outcome; verify checks the signatures', async () => {
    const team = await promotionTeam(
      '    approvals: { required: 1, authorCannotApprove: true, signed: true }\n',
      { keys: ['ben', 'mallory'], allowed: ['ben'] }
    )
    cleanup.push(async () => team.repos.remove())
    const ana = await openAs(team.anaPath, (s) => cleanup.push(s))
    const ben = await openAs(team.benPath, (s) => cleanup.push(s))
    const r1 = value(await ana.call('releases.create', {}))
    await onStaging(ana, r1.id)
    const asked = value(
      await ana.call('promotions.promote', {
        release: r1.id,
        environment: 'production',
        reason: 'weekly'
      })
    )
    expect(asked.kind).toBe('pending')
    const p = asked.promotion

    // Ana may not approve her own request: refused, and the refusal is in the ledger.
    const own = refusal(
      await ana.call('promotions.approve', { release: r1.id, environment: 'production' })
    )
    expect(own.message).toBe(
      'ana@example.com requested this promotion; the approval must come from someone else'
    )
    git(team.benPath, ['config', 'user.signingkey', team.key('ben')])
    value(await ben.call('promotions.approve', { release: r1.id, environment: 'production' }))
    const done = value(
      await ana.call('promotions.promote', { release: r1.id, environment: 'production' })
    )
    expect(done.kind === 'deployed' ? done.deployment.status : done.kind).toBe('succeeded')
    value(await ana.call('team.sync', {}))
    value(await ben.call('team.sync', {}))

    // Ben's clone holds the whole trail after a sync, in order.
    const trail = value(
      await ben.call('ledger.list', { kind: ['promotion', 'approval'], limit: 100 })
    ).reverse()
    expect(trail.map(line)).toEqual([
      'promotion requested - by ana@example.com',
      'promotion approval refused - by ana@example.com',
      'approval by ben@example.com signed',
      'promotion ended succeeded by ana@example.com'
    ])
    const [requested, refused, approval, ended] = trail.map((r) => r.entry)
    expect(requested).toMatchObject({
      promotion: p.id,
      release: r1.id,
      from: 'staging',
      environment: 'production',
      tickets: ['ORD-1'],
      reason: 'weekly'
    })
    expect(refused).toMatchObject({ reason: own.message, outcome: null })
    expect(approval).toMatchObject({
      promotion: p.id,
      release: r1.id,
      commit: r1.commit,
      signedText: approvalPayload(p)
    })
    if (approval?.kind !== 'approval') throw new Error('no approval entry')
    expect(approval.signature).toContain('BEGIN SSH SIGNATURE')
    expect(ended).toMatchObject({ outcome: 'succeeded' })
    if (ended?.kind !== 'promotion' || !done || done.kind !== 'deployed') throw new Error('no end')
    expect(ended.reason).toContain(done.deployment.id)
    // The deployment the promotion started is in the ledger too (the deploy domain's recorder).
    const all = value(await ben.call('ledger.list', { limit: 100 })).reverse()
    expect(all.map(line)).toContain('deployment finished production')

    // The valid signature verifies (against allowed_signers at the release's commit).
    const clean = value(await ben.call('ledger.verify', {}))
    expect(clean.findings).toEqual([])
    expect(clean.ok).toBe(true)

    // Entries written past the app (straight into refs/slipway/ledger) are caught by verify.
    const ledger = await Ledger.open(await TeamStateStore.open(team.benPath))
    const sig = approval.signature ?? ''
    const lines = sig.split('\n')
    const body = 2 // a line in the middle of the armored base64
    const flipped = lines[body]?.replace(/[A-Za-z]/, (c) => (c === 'A' ? 'B' : 'A')) ?? ''
    const tampered = [...lines.slice(0, body), flipped, ...lines.slice(body + 1)].join('\n')
    const mallory = execFileSync(
      'ssh-keygen',
      ['-Y', 'sign', '-q', '-f', team.key('mallory'), '-n', APPROVAL_NAMESPACE],
      { input: approval.signedText ?? '', encoding: 'utf8' }
    )
    const draft = {
      kind: 'approval' as const,
      by: 'ben@example.com',
      environment: 'production',
      tickets: ['ORD-1'],
      promotion: p.id,
      release: r1.id,
      signedText: approval.signedText,
      commit: r1.commit
    }
    const bad = [
      await ledger.append({ ...draft, signature: tampered }),
      await ledger.append({ ...draft, signature: mallory }),
      await ledger.append({ ...draft, signature: null, signedText: null }),
      await ledger.append({
        ...draft,
        signature: sig,
        promotion: '0123456789abcdef',
        signedText: approvalPayload({ ...p, id: '0123456789abcdef' })
      }),
      await ledger.append({ ...draft, signature: sig, promotion: '0123456789abcdef' })
    ]
    const report = value(await ben.call('ledger.verify', {}))
    expect(report.ok).toBe(false)
    const records = value(await ben.call('ledger.list', { limit: 100 }))
    const positionOf = (id: string): number =>
      records.find((r) => r.entry.id === id)?.position ?? -1
    const prefix = 'the approval by ben@example.com does not verify: '
    const found = report.findings.map((f) =>
      f.kind === 'bad-entry' && f.reason.startsWith(prefix)
        ? [f.position, 'ben@example.com', f.reason.slice(prefix.length)]
        : [f.kind]
    )
    expect(found).toHaveLength(5)
    expect(found[0]).toEqual([
      positionOf(bad[0]?.entry.id ?? ''),
      'ben@example.com',
      expect.any(String)
    ])
    expect(found[0]?.[2]).toMatch(
      /^the signature does not verify as ben@example\.com's in \.slipway\/allowed_signers at [0-9a-f]{12} \(ssh-keygen: .+\)$/
    )
    expect(found[1]?.[0]).toBe(positionOf(bad[1]?.entry.id ?? ''))
    expect(found[1]?.[2]).toContain("does not verify as ben@example.com's")
    expect(found[2]).toEqual([
      positionOf(bad[2]?.entry.id ?? ''),
      'ben@example.com',
      'not signed, but approvals of production must carry an SSH signature (approvals.signed)'
    ])
    // Ben's genuine signature, over another promotion's text: the signature verifies, but it
    // approves something else.
    expect(found[3]?.[2]).toMatch(/^the signature does not verify as ben@example\.com's/)
    expect(found[4]?.[2]).toBe(
      `the signature is over the approval of promotion ${p.id} (${r1.id} to production), not of this entry's promotion 0123456789abcdef (${r1.id} to production)`
    )
  })
})
