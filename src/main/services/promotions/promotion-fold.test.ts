import { describe, expect, it } from 'vitest'
import type { Operation } from '../team-state'
import { foldChange, CHANGE_OPS } from '../tickets'
import { foldPromotion, PROMOTION_OPS } from './promotion-fold'

const ana = { name: 'Ana Lima', email: 'ana@example.com' }
const ben = { name: 'Ben Okafor', email: 'ben@example.com' }
let clock = 0

function op(type: string, author: typeof ana, data: Record<string, unknown>): Operation {
  clock += 1
  return {
    sha: clock.toString(16).padStart(40, '0'),
    summary: type,
    parents: [],
    author,
    time: 1_764_720_000_000 + clock * 1000,
    clock,
    type,
    data
  }
}

const request = (): Operation =>
  op(PROMOTION_OPS.request, ana, {
    release: 'r1',
    sha256: 'a'.repeat(64),
    commit: 'c'.repeat(40),
    from: 'staging',
    to: 'production',
    reason: '',
    ships: { since: null, commits: [], tickets: [] }
  })
const withdrawal = (by: typeof ana): Operation =>
  op(PROMOTION_OPS.outcome, by, { status: 'cancelled', deployment: null, summary: 'withdrawn' })
const deployed = (status: string, deployment: string): Operation =>
  op(PROMOTION_OPS.outcome, ana, { status, deployment, summary: status })

describe('how a promotion ends (fold)', () => {
  it('takes a withdrawal only from the requester', () => {
    const req = request()
    expect(foldPromotion('p', [req, withdrawal(ben)])?.outcome).toBeNull()
    expect(foldPromotion('p', [req, withdrawal(ana)])?.outcome).toMatchObject({
      status: 'cancelled',
      by: ana
    })
  })

  it("lets a deployment's outcome beat a withdrawal written while it ran; the first deployment's is final", () => {
    const req = request()
    const ops = [req, withdrawal(ana), deployed('succeeded', 'd1'), deployed('failed', 'd2')]
    expect(foldPromotion('p', ops)?.outcome).toMatchObject({
      status: 'succeeded',
      deployment: 'd1'
    })
    expect(
      foldPromotion('p', [req, deployed('failed', 'd1'), withdrawal(ana)])?.outcome
    ).toMatchObject({ status: 'failed', deployment: 'd1' })
  })

  it('folds a change ticket the same way', () => {
    const create = op('ticket.create', ana, {
      change: {
        promotion: 'p',
        release: 'r1',
        commit: 'c'.repeat(40),
        from: 'staging',
        to: 'production',
        reason: '',
        tickets: [],
        commits: []
      }
    })
    const out = (by: typeof ana, data: Record<string, unknown>): Operation =>
      op(CHANGE_OPS.outcome, by, data)
    const cancel = { status: 'cancelled', deployment: null, summary: 'withdrawn' }
    expect(foldChange(create, [create, out(ben, cancel)])?.outcome).toBeNull()
    const ops = [
      create,
      op(CHANGE_OPS.approve, ben, { signed: true }),
      out(ana, cancel),
      out(ana, { status: 'succeeded', deployment: 'd1', summary: 'ok' })
    ]
    expect(foldChange(create, ops)).toMatchObject({
      requestedBy: ana,
      approvals: [{ by: ben, signed: true }],
      outcome: { status: 'succeeded', deployment: 'd1', by: ana }
    })
  })
})
