import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { AppEvent } from '../../shared/contract'
import type { ApiResult } from '../../shared/errors'
import { ExpectedError } from '../services/errors'
import { createRouter, type Router } from './router'
import { memorySettingsStore } from '../services/workspace'
import { INTERNAL_ERROR_MESSAGE, toApiError } from './to-api-error'
import { makeSampleRepo } from '../testing/fixture-repos'
import { removeDir, tempDir } from '../testing/temp-dir'
import { commitFile, git } from '../testing/test-repo'

function expectError(
  result: ApiResult<unknown>
): Extract<ApiResult<unknown>, { ok: false }>['error'] {
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.value)}`)
  return result.error
}

function expectValue<T>(result: ApiResult<T>): T {
  if (!result.ok) throw new Error(`expected a value, got ${JSON.stringify(result.error)}`)
  return result.value
}

function nextEvent(router: Router, name: AppEvent['event'], ms = 5000): Promise<AppEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${name} within ${ms} ms`)), ms)
    const off = router.onEvent((e) => {
      if (e.event !== name) return
      clearTimeout(timer)
      off()
      resolve(e)
    })
  })
}

describe('router', () => {
  let repo: string
  let dataDir: string
  let router: Router
  let logged: Array<{ message: string; err: unknown }>
  const settings = memorySettingsStore()

  beforeEach(async () => {
    repo = await makeSampleRepo()
    dataDir = await tempDir('slipway-data-')
    logged = []
    router = createRouter({
      host: 'serve',
      version: '9.9.9',
      dataDir,
      settings,
      log: (message, err) => logged.push({ message, err })
    })
  })
  afterEach(async () => {
    await router.dispose()
    await removeDir(repo)
    await removeDir(dataDir)
  })

  it('answers unknown-method for a name outside the contract', async () => {
    const error = expectError(await router.invoke('branches.delete', {}))
    expect(error.code).toBe('unknown-method')
    expect(error.message).toContain('branches.delete')
    expect(expectError(await router.invoke('__proto__', {})).code).toBe('unknown-method')
    expect(expectError(await router.invoke('toString', {})).code).toBe('unknown-method')
  })

  it('answers bad-request naming the field when a request does not match the schema', async () => {
    const empty = expectError(await router.invoke('workspace.open', { path: '' }))
    if (empty.code !== 'bad-request') throw new Error(empty.message)
    expect(empty.message).toBe('Bad request for workspace.open: path: a folder path is required')
    expect(empty.details?.issues).toEqual([
      expect.objectContaining({ path: 'path', code: 'too_small' })
    ])

    const wrongType = expectError(await router.invoke('branches.commits', { name: 'x', limit: 0 }))
    expect(wrongType.code).toBe('bad-request')
    expect(wrongType.message).toMatch(/^Bad request for branches\.commits: limit: /)

    const extra = expectError(await router.invoke('branches.list', { refresh: true, evil: 1 }))
    expect(extra.code).toBe('bad-request')
    expect(extra.message).toContain('evil')

    const notObject = expectError(await router.invoke('workspace.open', 'a string'))
    expect(notObject.code).toBe('bad-request')
  })

  it('treats a missing request as {} ', async () => {
    expect(expectValue(await router.invoke('workspace.current', undefined))).toBeNull()
  })

  it('answers no-workspace for methods that need an open workspace', async () => {
    for (const [method, request] of [
      ['branches.list', {}],
      ['branches.commits', { name: 'main' }],
      ['workspace.writeStarterConfig', {}]
    ] as const) {
      const error = expectError(await router.invoke(method, request))
      expect(error.code).toBe('no-workspace')
      expect(error.message).toMatch(/No workspace is open/)
    }
  })

  it('answers not-a-repository for a plain folder and a missing path', async () => {
    const plain = await tempDir('slipway-plain-')
    try {
      const error = expectError(await router.invoke('workspace.open', { path: plain }))
      expect(error.code).toBe('not-a-repository')
      expect(error.message).toBe(
        `${plain} is not a git repository: pick the repository's root folder, or run git init there`
      )
      const missing = expectError(
        await router.invoke('workspace.open', { path: join(plain, 'nope') })
      )
      expect(missing.code).toBe('not-a-repository')
    } finally {
      await removeDir(plain)
    }
  })

  it('opens a workspace, remembers it, emits workspace.changed and lists branches', async () => {
    const changed = nextEvent(router, 'workspace.changed')
    const ws = expectValue(await router.openWorkspace(join(repo, '.')))
    expect(ws).toMatchObject({ path: repo, mainBranch: 'main', isDemo: false, configProblems: [] })
    const event = await changed
    expect(event.payload).toEqual({ workspace: ws })
    expect(expectValue(await router.call('workspace.current', {}))).toEqual(ws)
    expect(settings.get('lastWorkspace')).toBe(repo)
    expect(expectValue(await router.call('workspace.recent', {}))[0]).toMatchObject({
      path: repo,
      name: ws.name
    })

    const listing = expectValue(await router.call('branches.list', {}))
    expect(listing.mainBranch).toBe('main')
    const feature = listing.branches.find((b) => b.name === 'feature/ORD-1-login')
    expect(feature).toMatchObject({ ahead: 2, behind: 1, kind: 'local', isMain: false })
    expect(feature?.tickets).toEqual(['ORD-1', 'ORD-2'])

    const commits = expectValue(
      await router.call('branches.commits', { name: 'feature/ORD-1-login' })
    )
    expect(commits.map((c) => c.subject)).toEqual(['ORD-2 remember me', 'ORD-1 login form'])
  })

  it('serves the cached listing until refs move, then emits branches.changed and re-reads', async () => {
    expectValue(await router.openWorkspace(repo))
    const first = expectValue(await router.call('branches.list', {}))
    expect(expectValue(await router.call('branches.list', {}))).toBe(first)

    const changed = nextEvent(router, 'branches.changed')
    git(repo, 'branch', 'feature/ORD-7-export')
    await changed
    const second = expectValue(await router.call('branches.list', {}))
    expect(second.branches.map((b) => b.name)).toContain('feature/ORD-7-export')

    // refresh re-reads even when nothing is known to have changed
    const third = expectValue(await router.call('branches.list', { refresh: true }))
    expect(third).not.toBe(second)
    expect(third.branches.length).toBe(second.branches.length)
  })

  it('opens a workspace with a broken slipway.yml, reporting the located problem', async () => {
    await writeFile(join(repo, 'slipway.yml'), 'project: demo\ntest:\n  command: 42\n  nope: 1\n')
    const ws = expectValue(await router.openWorkspace(repo))
    expect(ws.configProblems.length).toBeGreaterThan(0)
    expect(ws.configProblems[0]?.line).toBeTypeOf('number')
    expect(ws.mainBranch).toBe('main')
    // Still usable with the defaults.
    expect(expectValue(await router.call('branches.list', {})).branches.length).toBe(3)
  })

  it('writes a starter config, reloads the workspace and emits workspace.changed', async () => {
    expectValue(await router.openWorkspace(repo))
    const changed = nextEvent(router, 'workspace.changed')
    const ws = expectValue(await router.call('workspace.writeStarterConfig', {}))
    expect(ws.configSource).toBe('file')
    expect((await changed).payload).toEqual({ workspace: ws })
    // A second write refuses to overwrite the user's file.
    expect(expectError(await router.call('workspace.writeStarterConfig', {})).code).toBe('conflict')
  })

  it('passes a service ExpectedError through with its code, message and details', async () => {
    expectValue(await router.openWorkspace(repo))
    const error = expectError(await router.call('branches.commits', { name: 'no-such-branch' }))
    expect(error).toEqual({
      code: 'not-found',
      message: 'no branch named "no-such-branch"',
      details: { name: 'no-such-branch' }
    })
  })

  it('maps a non-ExpectedError to internal, logging it with its stack', () => {
    const bug = new TypeError('cannot read properties of undefined')
    const error = toApiError(bug, (message, err) => logged.push({ message, err }), 'branches.list')
    expect(error).toEqual({ code: 'internal', message: INTERNAL_ERROR_MESSAGE })
    expect(JSON.stringify(error)).not.toContain('at ')
    expect(logged).toEqual([{ message: 'internal error in branches.list', err: bug }])
    expect((logged[0]?.err as Error).stack).toContain('TypeError')
  })

  it('answers internal (logged, no stack) when a handler hits a bug', async () => {
    const brokenSettings = memorySettingsStore()
    brokenSettings.get = () => {
      throw new RangeError('settings exploded')
    }
    const r = createRouter({
      host: 'serve',
      version: '1',
      dataDir,
      settings: brokenSettings,
      log: (message, err) => logged.push({ message, err })
    })
    try {
      const error = expectError(await r.invoke('workspace.recent', {}))
      expect(error).toEqual({ code: 'internal', message: INTERNAL_ERROR_MESSAGE })
      expect(logged.at(-1)?.message).toBe('internal error in workspace.recent')
      expect((logged.at(-1)?.err as Error).stack).toMatch(/RangeError: settings exploded/)
    } finally {
      await r.dispose()
    }
  })

  it('keeps ExpectedError code, message and details', () => {
    const e = new ExpectedError('conflict', 'slipway.yml already exists', { path: '/x' })
    expect(toApiError(e, () => undefined, 'm')).toEqual({
      code: 'conflict',
      message: 'slipway.yml already exists',
      details: { path: '/x' }
    })
  })

  it('answers app.info and opens the demo without making it the last workspace', async () => {
    expectValue(await router.openWorkspace(repo))
    const info = expectValue(await router.call('app.info', {}))
    expect(info).toMatchObject({ version: '9.9.9', host: 'serve' })
    expect(info.demoPath.startsWith(dataDir)).toBe(true)
    const demo = expectValue(await router.openDemo())
    expect(demo).toMatchObject({ isDemo: true, path: info.demoPath })
    expect(settings.get('lastWorkspace')).toBe(repo)
    const listing = expectValue(await router.call('branches.list', {}))
    expect(listing.branches.length).toBeGreaterThan(1)
  })

  it('switches workspaces, watching only the open one', async () => {
    const other = await tempDir('slipway-other-')
    try {
      git(other, 'init', '-q', '-b', 'main')
      await commitFile(other, 'x.txt', 'x\n', 'x')
      expectValue(await router.openWorkspace(repo))
      expectValue(await router.openWorkspace(other))
      const events: AppEvent[] = []
      router.onEvent((e) => events.push(e))
      git(repo, 'branch', 'ignored-now')
      await new Promise((r) => setTimeout(r, 500))
      expect(events.filter((e) => e.event === 'branches.changed')).toEqual([])
      expect(expectValue(await router.call('workspace.current', {}))?.path).toBe(other)
    } finally {
      await removeDir(other)
    }
  })
})
