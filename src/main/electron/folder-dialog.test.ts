// The desktop app's folder dialog glue, run against a stand-in for Electron's `dialog` (the
// Electron e2e spec needs a real binary; this must hold without one), and through a router.
import type { BaseWindow, Dialog, OpenDialogOptions, OpenDialogReturnValue } from 'electron'
import { afterEach, describe, expect, it } from 'vitest'
import { createRouter, memorySettingsStore, type Router } from '../api'
import { removeDir, tempDir } from '../testing/temp-dir'
import { folderPicker } from './folder-dialog'

/** `dialog.showOpenDialog` that records its calls and answers what the test says. */
function standInDialog(answer: OpenDialogReturnValue): Pick<Dialog, 'showOpenDialog'> & {
  calls: unknown[][]
} {
  const calls: unknown[][] = []
  const showOpenDialog = (async (...args: unknown[]) => {
    calls.push(args)
    return answer
  }) as Dialog['showOpenDialog']
  return { calls, showOpenDialog }
}

const win = { id: 7 } as unknown as BaseWindow

describe('folderPicker', () => {
  it('opens a folders-only dialog modal to the window and answers the chosen folder', async () => {
    const dialog = standInDialog({ canceled: false, filePaths: ['/home/ana/src/orders'] })
    const pick = folderPicker(dialog, () => win)
    expect(await pick('/home/ana/src')).toBe('/home/ana/src/orders')
    expect(dialog.calls).toHaveLength(1)
    const [owner, options] = dialog.calls[0] as [BaseWindow, OpenDialogOptions]
    expect(owner).toBe(win)
    expect(options.properties).toEqual(['openDirectory', 'createDirectory'])
    expect(options.defaultPath).toBe('/home/ana/src')
    expect(options.title).toBe('Open a workspace')
  })

  it('answers null when the user cancels, and opens an unowned dialog without a window', async () => {
    const dialog = standInDialog({ canceled: true, filePaths: [] })
    const pick = folderPicker(dialog, () => null)
    expect(await pick()).toBeNull()
    const [options] = dialog.calls[0] as [OpenDialogOptions]
    expect(options.properties).toEqual(['openDirectory', 'createDirectory'])
    expect(options).not.toHaveProperty('defaultPath')
  })
})

describe('folders.pick through the router', () => {
  let dataDir = ''
  let router: Router | null = null
  afterEach(async () => {
    await router?.dispose()
    router = null
    if (dataDir) await removeDir(dataDir)
  })

  it('uses the host’s folder dialog in the desktop app, and says there is none under serve', async () => {
    dataDir = await tempDir('slipway-pick-')
    const dialog = standInDialog({ canceled: false, filePaths: ['/home/ana/src/orders'] })
    router = createRouter({
      host: 'electron',
      version: '1.0.0',
      dataDir,
      settings: memorySettingsStore(),
      continualTesting: false,
      pickFolder: folderPicker(dialog, () => win)
    })
    expect(await router.invoke('folders.pick', { defaultPath: '/home/ana' })).toEqual({
      ok: true,
      value: { kind: 'chosen', path: '/home/ana/src/orders' }
    })
    expect((dialog.calls[0] as [BaseWindow, OpenDialogOptions])[1].defaultPath).toBe('/home/ana')
    await router.dispose()

    router = createRouter({
      host: 'electron',
      version: '1.0.0',
      dataDir,
      settings: memorySettingsStore(),
      continualTesting: false,
      pickFolder: folderPicker(standInDialog({ canceled: true, filePaths: [] }), () => win)
    })
    expect(await router.invoke('folders.pick', {})).toEqual({
      ok: true,
      value: { kind: 'cancelled' }
    })
    await router.dispose()

    router = createRouter({
      host: 'serve',
      version: '1.0.0',
      dataDir,
      settings: memorySettingsStore(),
      continualTesting: false
    })
    expect(await router.invoke('folders.pick', {})).toEqual({
      ok: true,
      value: { kind: 'unavailable' }
    })
  })
})
