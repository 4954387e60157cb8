import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  DEFAULT_SETTINGS,
  MAX_RECENT_WORKSPACES,
  createConfSettingsStore,
  defaultDataDir,
  rememberWorkspace
} from './settings'

let dir: string

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slipway-settings-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('conf settings store', () => {
  it('starts with the defaults', () => {
    const store = createConfSettingsStore(join(dir, 'data'))
    expect(store.get('recentWorkspaces')).toEqual([])
    expect(store.get('lastWorkspace')).toBeNull()
    expect(store.get('theme')).toBe('system')
  })

  it('round-trips through settings.json in the data folder', async () => {
    const first = createConfSettingsStore(dir)
    first.set('theme', 'dark')
    first.set('lastWorkspace', '/repos/orders')
    rememberWorkspace(
      first,
      { path: '/repos/orders', name: 'orders' },
      new Date(Date.UTC(2025, 0, 2))
    )

    const onDisk = JSON.parse(await readFile(join(dir, 'settings.json'), 'utf8')) as unknown
    expect(onDisk).toMatchObject({ theme: 'dark', lastWorkspace: '/repos/orders' })

    const second = createConfSettingsStore(dir)
    expect(second.get('theme')).toBe('dark')
    expect(second.get('lastWorkspace')).toBe('/repos/orders')
    expect(second.get('recentWorkspaces')).toEqual([
      { path: '/repos/orders', name: 'orders', openedAt: '2025-01-02T00:00:00.000Z' }
    ])
  })

  it('answers defaults for a corrupt file or malformed values', async () => {
    await writeFile(join(dir, 'settings.json'), '{ not json')
    expect(createConfSettingsStore(dir).get('theme')).toBe('system')

    await writeFile(
      join(dir, 'settings.json'),
      JSON.stringify({ theme: 'purple', recentWorkspaces: [{ path: 3 }], lastWorkspace: '/x' })
    )
    const store = createConfSettingsStore(dir)
    expect(store.get('theme')).toBe('system')
    expect(store.get('recentWorkspaces')).toEqual([])
    expect(store.get('lastWorkspace')).toBe('/x')
  })

  it('does not share default arrays between stores', () => {
    const store = createConfSettingsStore(dir)
    store.get('recentWorkspaces').push({ path: '/p', name: 'p', openedAt: 'x' })
    expect(store.get('recentWorkspaces')).toEqual([])
    expect(DEFAULT_SETTINGS.recentWorkspaces).toEqual([])
  })
})

describe('rememberWorkspace', () => {
  it('keeps the most recent first, unique by path, at most ten', () => {
    const store = createConfSettingsStore(dir)
    for (let i = 0; i < 12; i++) {
      rememberWorkspace(
        store,
        { path: `/r/${i}`, name: `r${i}` },
        new Date(Date.UTC(2025, 0, 1, i))
      )
    }
    rememberWorkspace(store, { path: '/r/5', name: 'five' }, new Date(Date.UTC(2025, 0, 2)))
    const recent = store.get('recentWorkspaces')
    expect(recent).toHaveLength(MAX_RECENT_WORKSPACES)
    expect(recent.map((r) => r.path)).toEqual([
      '/r/5',
      '/r/11',
      '/r/10',
      '/r/9',
      '/r/8',
      '/r/7',
      '/r/6',
      '/r/4',
      '/r/3',
      '/r/2'
    ])
    expect(recent[0]).toEqual({ path: '/r/5', name: 'five', openedAt: '2025-01-02T00:00:00.000Z' })
  })
})

describe('defaultDataDir', () => {
  it('prefers SLIPWAY_DATA_DIR, then XDG_CONFIG_HOME, then ~/.config', () => {
    expect(defaultDataDir({ SLIPWAY_DATA_DIR: '/d', XDG_CONFIG_HOME: '/x' })).toBe('/d')
    expect(defaultDataDir({ XDG_CONFIG_HOME: '/x' })).toBe('/x/slipway')
    expect(defaultDataDir({})).toBe(join(homedir(), '.config', 'slipway'))
  })
})
