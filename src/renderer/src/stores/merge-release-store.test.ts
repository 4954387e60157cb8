import { describe, expect, it } from 'vitest'
import type { MergeRelease } from '../../../shared'
import type { Notifier } from '../lib/notify'
import { createFakeClient, deferred } from '../test/fake-client'
import { makeMergeRelease } from '../test/merge-release-fixture'
import { createMergeReleasesStore } from './merge-release-store'

const merge = makeMergeRelease

const quiet: Notifier = { requestPermission: () => undefined, notify: () => undefined }

describe('merge releases store', () => {
  it('keeps what events said while a load was in flight: its older answer never undoes them', async () => {
    const queued = merge()
    const failed = merge({
      state: 'failed',
      reason: 'build failed',
      finishedAt: '2026-11-26T12:00:00.000Z'
    })
    const fresh = merge({ id: 'm2', state: 'building' })
    const old = merge({ id: 'm0', state: 'succeeded' })
    const list = deferred<MergeRelease[]>()
    const client = createFakeClient({ 'mergeReleases.list': () => list.promise })
    const store = createMergeReleasesStore(client, { notifier: quiet })
    const loading = store.getState().load()
    store.getState().changed(failed)
    store.getState().changed(fresh)
    list.resolve([queued, old])
    await loading
    expect(store.getState().mergeReleases).toEqual([fresh, failed, old])

    // An older load answering after a newer one changes nothing.
    const slow = deferred<MergeRelease[]>()
    client.handlers['mergeReleases.list'] = () => slow.promise
    const older = store.getState().load()
    client.handlers['mergeReleases.list'] = () => [failed]
    await store.getState().load()
    slow.resolve([queued])
    await older
    expect(store.getState().mergeReleases).toEqual([failed])
  })
})
