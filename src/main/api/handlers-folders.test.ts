// folders.list through the router on real folders: a home with git repositories (a clone, a
// worktree), plain and hidden folders, a file, and links inside and out of home.
import { mkdir, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ApiResult } from '../../shared/errors'
import type { FolderListing } from '../../shared/models'
import { memorySettingsStore } from '../services/workspace'
import { removeDir, tempDir } from '../testing/temp-dir'
import { commitFile, git } from '../testing/test-repo'
import { createRouter, type Router } from './router'

let home = ''
let outside = ''
let dataDir = ''
let router: Router

async function list(request: { path?: string; showHidden?: boolean }): Promise<FolderListing> {
  const result = await router.invoke('folders.list', request)
  if (!result.ok) throw new Error(`folders.list refused: ${result.error.message}`)
  return result.value as FolderListing
}

async function refusal(path: string): Promise<{ code: string; message: string }> {
  const result: ApiResult<unknown> = await router.invoke('folders.list', { path })
  if (result.ok) throw new Error(`folders.list listed ${path}`)
  return { code: result.error.code, message: result.error.message }
}

beforeAll(async () => {
  home = await tempDir('slipway-home-')
  outside = await tempDir('slipway-outside-')
  dataDir = await tempDir('slipway-data-')
  const orders = join(home, 'src', 'orders')
  await mkdir(orders, { recursive: true })
  git(orders, 'init', '-q', '-b', 'main')
  commitFile(orders, 'README.md', '# orders\n', 'first')
  // A worktree: its .git is a file, and it is a repository too.
  git(orders, 'worktree', 'add', '-q', join(home, 'src', 'orders-hotfix'), '-b', 'hotfix')
  await mkdir(join(home, 'src', 'Notes'), { recursive: true })
  await mkdir(join(home, '.config', 'slipway'), { recursive: true })
  await mkdir(join(home, 'Documents'))
  await writeFile(join(home, 'todo.txt'), 'ship it\n')
  await mkdir(join(outside, 'secrets'))
  await symlink(join(home, 'src', 'orders'), join(home, 'orders-link'))
  await symlink(outside, join(home, 'escape'))
  await symlink(join(home, 'todo.txt'), join(home, 'todo-link'))
  router = createRouter({
    host: 'serve',
    version: '1.0.0',
    dataDir,
    settings: memorySettingsStore(),
    continualTesting: false,
    home
  })
})

afterAll(async () => {
  await router?.dispose()
  await Promise.all([removeDir(home), removeDir(outside), removeDir(dataDir)])
})

describe('folders.list', () => {
  it('lists home by default: folders only, by name, hidden ones counted, links out of home left out', async () => {
    const listing = await list({})
    expect(listing.path).toBe(home)
    expect(listing.home).toBe(home)
    expect(listing.parent).toBeNull()
    expect(listing.isRepository).toBe(false)
    expect(listing.entries.map((e) => e.name)).toEqual(['Documents', 'orders-link', 'src'])
    expect(listing.entries.find((e) => e.name === 'orders-link')).toEqual({
      name: 'orders-link',
      path: join(home, 'orders-link'),
      hidden: false,
      isRepository: true
    })
    expect(listing.hiddenCount).toBe(1)
    expect(listing.more).toBe(0)
  })

  it('marks git repositories (a clone and a worktree) and gives the parent', async () => {
    const listing = await list({ path: join(home, 'src') })
    expect(listing.parent).toBe(home)
    expect(listing.entries).toEqual([
      { name: 'Notes', path: join(home, 'src', 'Notes'), hidden: false, isRepository: false },
      { name: 'orders', path: join(home, 'src', 'orders'), hidden: false, isRepository: true },
      {
        name: 'orders-hotfix',
        path: join(home, 'src', 'orders-hotfix'),
        hidden: false,
        isRepository: true
      }
    ])
    const inside = await list({ path: 'src/orders' })
    expect(inside.path).toBe(join(home, 'src', 'orders'))
    expect(inside.isRepository).toBe(true)
    // .git itself is hidden.
    expect(inside.entries).toEqual([])
    expect(inside.hiddenCount).toBe(1)
  })

  it('shows hidden folders when asked', async () => {
    const listing = await list({ showHidden: true })
    expect(listing.entries.map((e) => [e.name, e.hidden])).toEqual([
      ['.config', true],
      ['Documents', false],
      ['orders-link', false],
      ['src', false]
    ])
    expect(listing.hiddenCount).toBe(0)
  })

  it('refuses paths out of home, links leading out, files and missing folders, in words', async () => {
    expect(await refusal(join(home, '..'))).toEqual({
      code: 'forbidden',
      message: `${join(home, '..')} is outside your home folder (${home})`
    })
    expect((await refusal('src/../../')).code).toBe('forbidden')
    expect((await refusal('/etc')).message).toBe(`/etc is outside your home folder (${home})`)
    expect(await refusal(join(home, 'escape'))).toEqual({
      code: 'forbidden',
      message: `${join(home, 'escape')} leads outside your home folder (to ${outside}), so it is not listed`
    })
    expect((await refusal('escape/secrets')).code).toBe('forbidden')
    expect(await refusal(join(home, 'todo.txt'))).toEqual({
      code: 'bad-request',
      message: `${join(home, 'todo.txt')} is a file, not a folder`
    })
    expect((await refusal('todo-link')).message).toBe('todo-link is a file, not a folder')
    expect(await refusal(join(home, 'nowhere'))).toEqual({
      code: 'not-found',
      message: `There is no folder ${join(home, 'nowhere')}`
    })
  })
})
