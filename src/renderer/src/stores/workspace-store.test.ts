import { describe, expect, it } from 'vitest'
import { ApiCallError } from '../../../shared/errors'
import { createFakeClient, deferred, makeWorkspace } from '../test/fake-client'
import { WORKSPACE_DEFAULTS, createWorkspaceStore } from './workspace-store'

const recent = [{ path: '/repos/orders', name: 'orders', openedAt: '2025-01-01T10:00:00Z' }]

describe('workspace store', () => {
  it('starts from its defaults', () => {
    const store = createWorkspaceStore(createFakeClient())
    expect(store.getState()).toMatchObject(WORKSPACE_DEFAULTS)
  })

  it('loads the current workspace and marks itself initialized', async () => {
    const ws = makeWorkspace()
    const store = createWorkspaceStore(createFakeClient({ 'workspace.current': () => ws }))
    const done = store.getState().loadCurrent()
    expect(store.getState().pending).toBe('current')
    await done
    expect(store.getState()).toMatchObject({ workspace: ws, initialized: true, pending: null })
  })

  it('is initialized with no workspace when none is open', async () => {
    const store = createWorkspaceStore(createFakeClient({ 'workspace.current': () => null }))
    await store.getState().loadCurrent()
    expect(store.getState()).toMatchObject({ workspace: null, initialized: true, error: null })
  })

  it('opens a path (trimmed), closes the picker and re-reads the recent list', async () => {
    const ws = makeWorkspace({ path: '/repos/shop', name: 'shop' })
    const client = createFakeClient({
      'workspace.open': () => ws,
      'workspace.recent': () => recent
    })
    const store = createWorkspaceStore(client)
    store.getState().showPicker()
    const pending = deferred<typeof ws>()
    client.handlers['workspace.open'] = () => pending.promise
    const opening = store.getState().open('  /repos/shop  ')
    expect(store.getState().pending).toBe('open')
    pending.resolve(ws)
    await expect(opening).resolves.toBe(true)
    expect(client.callsOf('workspace.open')).toEqual([{ path: '/repos/shop' }])
    expect(store.getState()).toMatchObject({ workspace: ws, pending: null, pickerRequested: false })
    await Promise.resolve()
    expect(store.getState().recent).toEqual(recent)
  })

  it('shows an ApiCallError as an error sentence and keeps the current workspace', async () => {
    const ws = makeWorkspace()
    const client = createFakeClient({
      'workspace.current': () => ws,
      'workspace.open': () => {
        throw new ApiCallError({
          code: 'not-a-repository',
          message: '/tmp/nope is not inside a git repository.',
          details: { path: '/tmp/nope' }
        })
      }
    })
    const store = createWorkspaceStore(client)
    await store.getState().loadCurrent()
    await expect(store.getState().open('/tmp/nope')).resolves.toBe(false)
    expect(store.getState().error).toEqual({
      code: 'not-a-repository',
      message: '/tmp/nope is not inside a git repository.'
    })
    expect(store.getState()).toMatchObject({ workspace: ws, pending: null })
    store.getState().dismissError()
    expect(store.getState().error).toBeNull()
  })

  it('asks for a path instead of calling the API with an empty one', async () => {
    const client = createFakeClient()
    const store = createWorkspaceStore(client)
    await expect(store.getState().open('   ')).resolves.toBe(false)
    expect(client.calls).toEqual([])
    expect(store.getState().error?.code).toBe('bad-request')
  })

  it('never shows a stack for a non-API failure', async () => {
    const store = createWorkspaceStore(
      createFakeClient({
        'workspace.openDemo': () => {
          throw new TypeError('x is undefined')
        }
      })
    )
    const original = console.error
    console.error = () => {}
    try {
      await store.getState().openDemo()
    } finally {
      console.error = original
    }
    expect(store.getState().error?.code).toBe('internal')
    expect(store.getState().error?.message).not.toContain('undefined')
  })

  it('opens the demo and writes a starter config', async () => {
    const demo = makeWorkspace({ isDemo: true, name: 'demo', configSource: 'defaults' })
    const written = { ...demo, configSource: 'file' as const }
    const client = createFakeClient({
      'workspace.openDemo': () => demo,
      'workspace.writeStarterConfig': () => written,
      'workspace.recent': () => []
    })
    const store = createWorkspaceStore(client)
    await store.getState().openDemo()
    expect(store.getState().workspace).toBe(demo)
    await store.getState().writeStarterConfig()
    expect(store.getState().workspace).toBe(written)
    expect(client.callsOf('workspace.writeStarterConfig')).toEqual([{}])
  })

  it('takes pushed workspace changes', () => {
    const store = createWorkspaceStore(createFakeClient())
    const ws = makeWorkspace()
    store.getState().workspaceChanged(ws)
    expect(store.getState()).toMatchObject({ workspace: ws, initialized: true })
    store.getState().workspaceChanged(null)
    expect(store.getState().workspace).toBeNull()
  })
})
