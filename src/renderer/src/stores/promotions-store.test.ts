import { describe, expect, it } from 'vitest'
import { ApiCallError } from '../../../shared/errors'
import type { Promotion } from '../../../shared/promotion-models'
import { createFakeClient } from '../test/fake-client'
import { createPromotionsStore } from './promotions-store'

const R1 = '20261202.1200-aaaaaaa'

function promotion(state: Promotion['state'], approved: number): Promotion {
  return {
    id: 'p1',
    release: R1,
    sha256: 'a'.repeat(64),
    commit: 'a'.repeat(40),
    from: 'staging',
    to: 'production',
    requestedBy: { name: 'Ana Lima', email: 'ana@example.com' },
    requestedAt: '2026-12-02T12:00:00.000Z',
    reason: '',
    ships: { since: null, commits: [], tickets: [] },
    approvals: [],
    required: 1,
    approved,
    state,
    pending: state === 'pending' ? ['approvals: 1 more approval needed (0 of 1)'] : [],
    outcome: null
  }
}

describe('promotions store', () => {
  it('previews on open, keeps a refusal of the preview, and sends the freeze override', async () => {
    let refuse = true
    const client = createFakeClient({
      'promotions.preview': () => {
        if (refuse) {
          throw new ApiCallError({
            code: 'conflict',
            message: `${R1} is not current and healthy on every host of staging: staging-1 runs nothing`
          })
        }
        return promotion('pending', 0)
      },
      'promotions.list': () => [promotion('approved', 1)],
      'promotions.promote': () => ({ kind: 'pending', promotion: promotion('pending', 0) })
    })
    const store = createPromotionsStore(client)
    await store.getState().open(R1, 'production')
    expect(store.getState().dialog?.previewError?.message).toContain('staging-1 runs nothing')
    refuse = false
    await store.getState().open(R1, 'production')
    expect(store.getState().dialog?.preview?.state).toBe('pending')
    await store.getState().promote({ overrideFreeze: '  hotfix for the outage  ' })
    expect(
      client.calls.filter((c) => c.method === 'promotions.promote').map((c) => c.request)
    ).toEqual([{ release: R1, environment: 'production', overrideFreeze: 'hotfix for the outage' }])
    expect(store.getState().result?.kind).toBe('pending')
  })

  it('shows a refused approval in words and re-reads only a list it has shown', async () => {
    const client = createFakeClient({
      'promotions.list': () => [promotion('pending', 0)],
      'promotions.approve': () => {
        throw new ApiCallError({
          code: 'conflict',
          message:
            'ana@example.com requested this promotion; the approval must come from someone else'
        })
      }
    })
    const store = createPromotionsStore(client)
    store.getState().changed()
    expect(client.calls).toEqual([])
    await store.getState().load()
    await store.getState().approve(R1, 'production')
    expect(store.getState().actionError?.message).toBe(
      'ana@example.com requested this promotion; the approval must come from someone else'
    )
    store.getState().changed()
    expect(client.calls.filter((c) => c.method === 'promotions.list')).toHaveLength(2)
  })

  it('approves as the demo’s release approver through demo.approvePromotion, a refusal in words', async () => {
    let refuse = true
    const client = createFakeClient({
      'demo.approvePromotion': () => {
        if (refuse) {
          throw new ApiCallError({
            code: 'bad-request',
            message: 'Only the demo workspace has a second person to approve as'
          })
        }
        return promotion('approved', 1)
      },
      'promotions.list': () => [promotion('approved', 1)]
    })
    const store = createPromotionsStore(client)
    await store.getState().approveAsDemoApprover(R1, 'production')
    expect(store.getState().actionError?.message).toBe(
      'Only the demo workspace has a second person to approve as'
    )
    expect(store.getState().pending).toBeNull()
    refuse = false
    await store.getState().approveAsDemoApprover(R1, 'production')
    expect(client.callsOf('demo.approvePromotion')).toEqual([
      { release: R1, environment: 'production' },
      { release: R1, environment: 'production' }
    ])
    expect(store.getState().actionError).toBeNull()
    await new Promise((r) => setTimeout(r, 0))
    expect(store.getState().promotions.map((p) => p.state)).toEqual(['approved'])
  })
})
