import { describe, expect, it } from 'vitest'
import { ApiCallError } from '../../../shared/errors'
import type { LedgerRecord } from '../../../shared/ledger-models'
import { createFakeClient, deferred } from '../test/fake-client'
import { createLedgerStore, exportFileName } from './ledger-store'

function record(position: number, by: string): LedgerRecord {
  return {
    position,
    commit: String(position).repeat(40).slice(0, 40),
    author: { name: by, email: `${by}@orders.example` },
    entry: {
      id: String(position).repeat(16).slice(0, 16),
      at: '2026-12-02T23:00:00.000Z',
      by,
      environment: 'staging',
      tickets: [],
      kind: 'lock',
      deployment: `d-${position}`,
      hosts: ['staging-1'],
      reason: null
    }
  }
}

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0))

describe('ledger store', () => {
  it('only the newest answer counts when filters are typed quickly', async () => {
    const first = deferred<LedgerRecord[]>()
    const answers = [first.promise, Promise.resolve([record(2, 'ben')])]
    const client = createFakeClient({ 'ledger.list': () => answers.shift() ?? [] })
    const store = createLedgerStore(client)
    store.getState().showView()
    store.getState().setFilters({ person: ' ben ' })
    await tick()
    first.resolve([record(1, 'stale')])
    await tick()
    expect(store.getState().records.map((r) => r.entry.by)).toEqual(['ben'])
    expect(client.callsOf('ledger.list')).toEqual([{}, { person: 'ben' }])
  })

  it('an event re-reads only a ledger that was shown; reset drops answers in flight', async () => {
    const held = deferred<LedgerRecord[]>()
    const client = createFakeClient({ 'ledger.list': () => held.promise })
    const store = createLedgerStore(client)
    store.getState().changed({ kind: 'appended', summary: 'lock' })
    expect(client.callsOf('ledger.list')).toHaveLength(0)
    store.getState().showView()
    store.getState().reset()
    held.resolve([record(1, 'ana')])
    await tick()
    expect(store.getState().records).toEqual([])
    expect(store.getState().loaded).toBe(false)
  })

  it('keeps the reason of a failed read, verify and export', async () => {
    const refuse = (): never => {
      throw new ApiCallError({ code: 'no-workspace', message: 'no workspace is open' })
    }
    const client = createFakeClient({
      'ledger.list': refuse,
      'ledger.verify': refuse,
      'ledger.export': refuse
    })
    const store = createLedgerStore(client)
    await store.getState().load()
    await store.getState().runVerify()
    expect(await store.getState().exportAs('csv')).toBeNull()
    const s = store.getState()
    expect(s.error?.message).toBe('no workspace is open')
    expect(s.verify).toEqual({
      kind: 'failed',
      error: { code: 'no-workspace', message: 'no workspace is open' }
    })
    expect(s.exportError?.message).toBe('no workspace is open')
    expect(s.exporting).toBeNull()
  })

  it('names export files by format and local time', () => {
    expect(exportFileName('csv', new Date(2026, 11, 3, 1, 5))).toBe(
      'slipway-ledger-2026-12-03-0105.csv'
    )
    expect(exportFileName('json', new Date(2026, 0, 9, 14, 30))).toBe(
      'slipway-ledger-2026-01-09-1430.json'
    )
  })
})
