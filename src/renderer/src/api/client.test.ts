import { describe, expect, it } from 'vitest'
import type { ApiBridge, AppEvent } from '../../../shared'
import { ApiCallError } from '../../../shared/errors'
import { createApiClient, describeError } from './client'
import { createElectronTransport, findElectronBridge } from './electron-transport'

function bridgeAnswering(answer: (method: string, request: unknown) => unknown): ApiBridge & {
  emit(e: AppEvent): void
} {
  const listeners = new Set<(e: AppEvent) => void>()
  return {
    invoke: async (method, request) => answer(method, request) as never,
    onEvent(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    emit: (e) => listeners.forEach((l) => l(e))
  }
}

describe('createApiClient', () => {
  it('resolves with the value of an ok result and passes method and request through', async () => {
    const seen: unknown[] = []
    const client = createApiClient(
      bridgeAnswering((method, request) => {
        seen.push([method, request])
        return { ok: true, value: [] }
      })
    )
    await expect(client.call('workspace.recent', {})).resolves.toEqual([])
    expect(seen).toEqual([['workspace.recent', {}]])
  })

  it('throws ApiCallError carrying code, message and details of an error result', async () => {
    const client = createApiClient(
      bridgeAnswering(() => ({
        ok: false,
        error: {
          code: 'not-a-repository',
          message: '/x is not a git repository.',
          details: { path: '/x' }
        }
      }))
    )
    const error = await client.call('workspace.open', { path: '/x' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiCallError)
    const call = error as ApiCallError
    expect(call.code).toBe('not-a-repository')
    expect(call.message).toBe('/x is not a git repository.')
    expect(call.error).toEqual({
      code: 'not-a-repository',
      message: '/x is not a git repository.',
      details: { path: '/x' }
    })
  })

  it('turns a malformed answer into an internal ApiCallError', async () => {
    for (const answer of [undefined, 'nope', { ok: false, error: { what: 1 } }]) {
      const client = createApiClient(bridgeAnswering(() => answer))
      await expect(client.call('app.info', {})).rejects.toMatchObject({ code: 'internal' })
    }
  })

  it('relays events until unsubscribed', () => {
    const bridge = bridgeAnswering(() => null)
    const client = createApiClient(bridge)
    const got: AppEvent[] = []
    const off = client.onEvent((e) => got.push(e))
    const event: AppEvent = { event: 'branches.changed', payload: { reason: 'refs' } }
    bridge.emit(event)
    off()
    bridge.emit(event)
    expect(got).toEqual([event])
  })
})

describe('electron transport', () => {
  it('finds window.slipway only when it has both functions', () => {
    expect(findElectronBridge(window)).toBeUndefined()
    const bridge = bridgeAnswering(() => null)
    const win = Object.assign(Object.create(window) as Window, { slipway: bridge })
    expect(findElectronBridge(win)).toBe(bridge)
    const broken = Object.assign(Object.create(window) as Window, { slipway: { invoke: 1 } })
    expect(findElectronBridge(broken)).toBeUndefined()
  })

  it('turns a rejected invoke into an internal error result', async () => {
    const transport = createElectronTransport({
      invoke: () => Promise.reject(new Error('Error invoking remote method')),
      onEvent: () => () => {}
    })
    await expect(transport.invoke('app.info', {})).resolves.toMatchObject({
      ok: false,
      error: { code: 'internal' }
    })
  })
})

describe('describeError', () => {
  it('keeps API messages and hides everything else', () => {
    expect(describeError(new ApiCallError({ code: 'conflict', message: 'Busy.' }))).toEqual({
      code: 'conflict',
      message: 'Busy.'
    })
    const original = console.error
    console.error = () => {}
    try {
      expect(describeError(new RangeError('stack stack')).message).not.toContain('stack')
    } finally {
      console.error = original
    }
  })
})
