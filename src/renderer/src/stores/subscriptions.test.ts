import { afterEach, describe, expect, it } from 'vitest'
import type { Deployment, EnvironmentStatus } from '../../../shared'
import { createFakeClient, makeBranch, makeListing, makeWorkspace } from '../test/fake-client'
import { createStores } from './stores'
import { connectSubscriptions } from './subscriptions'

const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))
/** Polls until `check` passes or one second elapses. */
async function eventually(check: () => void): Promise<void> {
  const end = Date.now() + 1000
  for (;;) {
    try {
      check()
      return
    } catch (error) {
      if (Date.now() > end) throw error
      await wait(5)
    }
  }
}

const disconnects: (() => void)[] = []
afterEach(() => disconnects.splice(0).forEach((off) => off()))

function setup() {
  const listing = makeListing([makeBranch({ name: 'feature/ORD-1' })])
  const client = createFakeClient({ 'branches.list': () => listing })
  const stores = createStores(client)
  disconnects.push(connectSubscriptions(stores, client, { coalesceMs: 20 }))
  return { client, stores, listing }
}

describe('subscriptions', () => {
  it('puts workspace.changed into the workspace store and loads that workspace’s branches', async () => {
    const { client, stores, listing } = setup()
    const ws = makeWorkspace()
    client.emit({ event: 'workspace.changed', payload: { workspace: ws } })
    expect(stores.workspace.getState().workspace).toBe(ws)
    await eventually(() => expect(stores.branches.getState().listing).toBe(listing))
    expect(client.callsOf('branches.list')).toEqual([{}])
  })

  it('starts over when another repository opens, and refreshes when only the config changed', async () => {
    const { client, stores } = setup()
    client.emit({ event: 'workspace.changed', payload: { workspace: makeWorkspace() } })
    await eventually(() => expect(stores.branches.getState().listing).not.toBeNull())
    stores.branches.getState().setFilter('ord')

    client.emit({
      event: 'workspace.changed',
      payload: { workspace: makeWorkspace({ mainBranch: 'trunk' }) }
    })
    expect(stores.branches.getState().filter).toBe('ord')

    client.emit({
      event: 'workspace.changed',
      payload: { workspace: makeWorkspace({ path: '/repos/other' }) }
    })
    expect(stores.branches.getState().filter).toBe('')
    await eventually(() => expect(client.callsOf('branches.list')).toHaveLength(3))

    client.emit({ event: 'workspace.changed', payload: { workspace: null } })
    expect(stores.branches.getState().listing).toBeNull()
  })

  it('coalesces a burst of branches.changed into one refresh', async () => {
    const { client, stores } = setup()
    stores.workspace.getState().workspaceChanged(makeWorkspace())
    await eventually(() => expect(client.callsOf('branches.list')).toHaveLength(1))
    for (let i = 0; i < 10; i++)
      client.emit({ event: 'branches.changed', payload: { reason: 'refs' } })
    await wait(80)
    expect(client.callsOf('branches.list')).toEqual([{}, { refresh: true }])
  })

  it('runs one more refresh when refs move during a refresh', async () => {
    const { client, stores, listing } = setup()
    stores.workspace.getState().workspaceChanged(makeWorkspace())
    await eventually(() => expect(client.callsOf('branches.list')).toHaveLength(1))
    let release: () => void = () => {}
    client.handlers['branches.list'] = () =>
      new Promise((resolve) => (release = () => resolve(listing)))
    client.emit({ event: 'branches.changed', payload: { reason: 'refs' } })
    await eventually(() => expect(client.callsOf('branches.list')).toHaveLength(2))
    client.emit({ event: 'branches.changed', payload: { reason: 'refs' } })
    client.emit({ event: 'branches.changed', payload: { reason: 'refs' } })
    release()
    await eventually(() => expect(client.callsOf('branches.list')).toHaveLength(3))
    release()
    await wait(60)
    expect(client.callsOf('branches.list')).toHaveLength(3)
  })

  it('re-reads the workspace and the branches after the event stream reconnects', async () => {
    const { client, stores } = setup()
    const ws = makeWorkspace()
    client.handlers['workspace.current'] = () => ws
    stores.workspace.getState().workspaceChanged(ws)
    await eventually(() => expect(client.callsOf('branches.list')).toHaveLength(1))
    client.reconnect()
    await eventually(() => expect(client.callsOf('branches.list')).toEqual([{}, { refresh: true }]))
    expect(client.callsOf('workspace.current')).toEqual([{}])
  })

  it('ignores branches.changed with no workspace open, and stops listening on disconnect', async () => {
    const listing = makeListing([])
    const client = createFakeClient({ 'branches.list': () => listing })
    const stores = createStores(client)
    const off = connectSubscriptions(stores, client, { coalesceMs: 5 })
    expect(client.listenerCount()).toBe(1)
    client.emit({ event: 'branches.changed', payload: { reason: 'refs' } })
    await wait(30)
    expect(client.calls).toEqual([])
    off()
    expect(client.listenerCount()).toBe(0)
    client.emit({ event: 'workspace.changed', payload: { workspace: makeWorkspace() } })
    expect(stores.workspace.getState().workspace).toBeNull()
  })

  // Issue 13 defect 3: "Last deploy" leaked between workspaces (kept by environment name).
  it("keeps another workspace's deployments and environment readings off this board", async () => {
    const { client, stores } = setup()
    client.emit({ event: 'workspace.changed', payload: { workspace: makeWorkspace() } })
    const deployment = (workspace: string, id: string): Deployment => ({
      id,
      workspace,
      kind: 'deploy',
      release: '20261126.1204-abc1234',
      environment: 'staging',
      status: 'succeeded',
      startedBy: 'ada@laptop',
      startedAt: '2026-11-26T12:04:00.000Z',
      finishedAt: '2026-11-26T12:05:00.000Z',
      hosts: [],
      log: [],
      summary: 'Deployed',
      version: 3
    })
    const status = (release: string): EnvironmentStatus => ({
      environment: 'staging',
      hosts: [],
      drift: false,
      badReleases: [release],
      readAt: '2026-11-26T12:05:00.000Z'
    })
    // Another repository's staging finishes a deployment while this one is open.
    client.emit({
      event: 'deployments.changed',
      payload: { deployment: deployment('/repos/other', 'd-other') }
    })
    client.emit({
      event: 'environments.changed',
      payload: { workspace: '/repos/other', environment: 'staging', status: status('other') }
    })
    expect(stores.deploy.getState().deployments).toEqual([])
    expect(stores.deploy.getState().environments.staging).toBeUndefined()

    client.emit({
      event: 'deployments.changed',
      payload: { deployment: deployment('/repos/orders', 'd-own') }
    })
    client.emit({
      event: 'environments.changed',
      payload: { workspace: '/repos/orders', environment: 'staging', status: status('own') }
    })
    expect(stores.deploy.getState().deployments.map((d) => d.id)).toEqual(['d-own'])
    expect(stores.deploy.getState().environments.staging?.status?.badReleases).toEqual(['own'])
  })
})
