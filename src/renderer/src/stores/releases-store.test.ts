import { describe, expect, it } from 'vitest'
import type { Release } from '../../../shared'
import { createFakeClient, deferred } from '../test/fake-client'
import { createReleasesStore } from './releases-store'

function release(id: string): Release {
  return {
    id,
    commit: id.slice(-7).padEnd(40, '0'),
    subject: `Release ${id}`,
    createdAt: '2026-11-26T11:00:00.000Z',
    createdBy: 'ana',
    sha256: 'f'.repeat(64),
    sizeBytes: 1000,
    tickets: [],
    commits: [],
    previousId: null
  }
}

describe('releases store', () => {
  it('keeps releases created or pruned while a load was in flight', async () => {
    const [r1, r2, r3] = [
      release('20261126.1100-aaaaaaa'),
      release('20261126.1200-bbbbbbb'),
      release('20261126.1300-ccccccc')
    ]
    const list = deferred<Release[]>()
    const client = createFakeClient({ 'releases.list': () => list.promise })
    const store = createReleasesStore(client)
    const loading = store.getState().load()
    store.getState().changed({ kind: 'created', release: r3 })
    store.getState().changed({ kind: 'building', step: 'build', line: 'npm run build' })
    list.resolve([r2, r1])
    await loading
    expect(store.getState().releases.map((r) => r.id)).toEqual([r3.id, r2.id, r1.id])

    // An older load answering after a newer one changes nothing.
    const slow = deferred<Release[]>()
    client.handlers['releases.list'] = () => slow.promise
    const older = store.getState().load()
    client.handlers['releases.list'] = () => [r3]
    await store.getState().load()
    slow.resolve([r2, r1])
    await older
    expect(store.getState().releases.map((r) => r.id)).toEqual([r3.id])
  })
})
