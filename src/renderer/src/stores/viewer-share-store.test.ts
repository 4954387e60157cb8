import { describe, expect, it } from 'vitest'
import type { ViewerShare } from '../../../shared'
import { ApiCallError } from '../../../shared/errors'
import { createFakeClient } from '../test/fake-client'
import { createViewerShareStore } from './viewer-share-store'

const LINK: ViewerShare = {
  url: 'http://127.0.0.1:4100/?token=v',
  host: '127.0.0.1',
  port: 4100,
  onNetwork: false,
  startedAt: '2026-12-03T00:00:00.000Z'
}

describe('viewer share store', () => {
  it('reads the running link when the dialog opens, shares, and stops', async () => {
    let running: ViewerShare | null = null
    const client = createFakeClient({
      'viewer.current': () => running,
      'viewer.share': ({ network }) => (running = { ...LINK, onNetwork: network }),
      'viewer.stop': () => (running = null)
    })
    const store = createViewerShareStore(client)
    await store.getState().showDialog()
    expect(store.getState()).toMatchObject({ dialogOpen: true, link: null, pending: null })
    await store.getState().share(true)
    expect(client.callsOf('viewer.share')).toEqual([{ network: true }])
    expect(store.getState().link).toEqual({ ...LINK, onNetwork: true })
    store.getState().close()
    await store.getState().showDialog()
    expect(store.getState().link?.onNetwork).toBe(true)
    await store.getState().stop()
    expect(store.getState().link).toBeNull()
  })

  it('keeps the link and shows why when the backend refuses', async () => {
    const client = createFakeClient({
      'viewer.current': () => LINK,
      'viewer.stop': () => {
        throw new ApiCallError({ code: 'bad-request', message: 'cannot stop' })
      }
    })
    const store = createViewerShareStore(client)
    await store.getState().showDialog()
    await store.getState().stop()
    expect(store.getState()).toMatchObject({
      link: LINK,
      pending: null,
      error: { code: 'bad-request', message: 'cannot stop' }
    })
  })
})
