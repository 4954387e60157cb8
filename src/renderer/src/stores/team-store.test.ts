import { describe, expect, it } from 'vitest'
import type { SyncStatusModel } from '../../../shared/contract-team'
import { ApiCallError } from '../../../shared/errors'
import { createFakeClient, deferred } from '../test/fake-client'
import { createTeamStore } from './team-store'

describe('team store (the Sync indicator)', () => {
  const reached = (at: string): SyncStatusModel => ({
    lastReachedAt: at,
    lastAttemptAt: at,
    last: { kind: 'synced', received: 0, merged: 0, pushed: 0, attempts: 1, problems: [] }
  })

  it('takes the status of every sync event, and shows a failed Sync as its error', async () => {
    const client = createFakeClient({
      'team.status': () => ({ lastReachedAt: null, lastAttemptAt: null, last: null }),
      'team.sync': () => {
        throw new ApiCallError({ code: 'internal', message: 'git fetch failed' })
      }
    })
    const store = createTeamStore(client)
    await store.getState().load()
    expect(store.getState().status?.lastReachedAt).toBeNull()
    // A merge or a new ticket synced on the server: the event alone updates the indicator.
    store.getState().synced(reached('2026-12-02T15:00:00.000Z'))
    expect(store.getState().status?.lastReachedAt).toBe('2026-12-02T15:00:00.000Z')

    await store.getState().sync()
    expect(store.getState()).toMatchObject({
      syncing: false,
      error: { message: 'git fetch failed' }
    })
  })

  it('keeps a sync event that overtakes the answer of a read', async () => {
    const answer = deferred<SyncStatusModel>()
    const client = createFakeClient({ 'team.status': () => answer.promise })
    const store = createTeamStore(client)
    const loading = store.getState().load()
    store.getState().synced(reached('2026-12-02T15:00:10.000Z'))
    answer.resolve(reached('2026-12-02T15:00:00.000Z'))
    await loading
    expect(store.getState().status?.lastReachedAt).toBe('2026-12-02T15:00:10.000Z')
    // A newer answer still wins over what is known.
    client.handlers['team.status'] = () => reached('2026-12-02T15:00:20.000Z')
    await store.getState().load()
    expect(store.getState().status?.lastReachedAt).toBe('2026-12-02T15:00:20.000Z')
  })
})
