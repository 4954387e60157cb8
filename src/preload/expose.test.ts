// The preload bridge against stand-ins for contextBridge and ipcRenderer.
import type { ContextBridge, IpcRenderer, IpcRendererEvent } from 'electron'
import { describe, expect, it } from 'vitest'
import type { ApiBridge, AppEvent } from '../shared/contract'
import { exposeBridge } from './expose'

type Listener = (event: IpcRendererEvent, payload: unknown) => void

/** ipcRenderer: records invokes, keeps listeners per channel, lets the test deliver events. */
class StandInIpcRenderer {
  readonly invoked: unknown[][] = []
  readonly listeners = new Map<string, Set<Listener>>()
  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    this.invoked.push([channel, ...args])
    return Promise.resolve({ ok: true, value: 'from main' })
  }
  on(channel: string, l: Listener): this {
    const set = this.listeners.get(channel) ?? new Set()
    set.add(l)
    this.listeners.set(channel, set)
    return this
  }
  removeListener(channel: string, l: Listener): this {
    this.listeners.get(channel)?.delete(l)
    return this
  }
  deliver(channel: string, payload: unknown): void {
    const event = { sender: 'the ipcRenderer itself' } as unknown as IpcRendererEvent
    this.listeners.get(channel)?.forEach((l) => l(event, payload))
  }
}

function exposed(): { worlds: Map<string, unknown>; ipc: StandInIpcRenderer; bridge: ApiBridge } {
  const worlds = new Map<string, unknown>()
  const contextBridge = {
    exposeInMainWorld: (key: string, api: unknown) => {
      if (worlds.has(key)) throw new Error(`${key} exposed twice`)
      worlds.set(key, api)
    }
  }
  const ipc = new StandInIpcRenderer()
  exposeBridge(contextBridge as ContextBridge, ipc as unknown as IpcRenderer)
  return { worlds, ipc, bridge: worlds.get('slipway') as ApiBridge }
}

describe('the preload bridge', () => {
  it('exposes exactly invoke and onEvent, as window.slipway, and nothing else', () => {
    const { worlds } = exposed()
    expect([...worlds.keys()]).toEqual(['slipway'])
    const api = worlds.get('slipway') as Record<string, unknown>
    expect(Object.keys(api).sort()).toEqual(['invoke', 'onEvent'])
    expect(typeof api.invoke).toBe('function')
    expect(typeof api.onEvent).toBe('function')
  })

  it('sends contract methods on the invoke channel and refuses other names locally', async () => {
    const { ipc, bridge } = exposed()
    expect(await bridge.invoke('app.info', { x: 1 })).toEqual({ ok: true, value: 'from main' })
    expect(ipc.invoked).toEqual([['slipway:invoke', 'app.info', { x: 1 }]])
    const refused = await bridge.invoke('constructor', {})
    expect(refused).toMatchObject({ ok: false, error: { code: 'unknown-method' } })
    expect(ipc.invoked).toHaveLength(1)
  })

  it('hands the page the payload only, never the IPC event, and unsubscribes', () => {
    const { ipc, bridge } = exposed()
    const seen: unknown[] = []
    const off = bridge.onEvent((e: AppEvent) => seen.push(e))
    ipc.deliver('slipway:event', { type: 'x' })
    ipc.deliver('other:channel', { type: 'y' })
    expect(seen).toEqual([{ type: 'x' }])
    off()
    ipc.deliver('slipway:event', { type: 'z' })
    expect(seen).toHaveLength(1)
    expect(ipc.listeners.get('slipway:event')?.size).toBe(0)
  })
})
