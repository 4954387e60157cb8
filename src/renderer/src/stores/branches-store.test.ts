import { describe, expect, it } from 'vitest'
import type { BranchListing, Commit } from '../../../shared'
import { ApiCallError } from '../../../shared/errors'
import { createFakeClient, deferred, makeBranch, makeListing } from '../test/fake-client'
import { BRANCHES_DEFAULTS, createBranchesStore, visibleBranches } from './branches-store'

const a = makeBranch({ name: 'feature/ORD-1-a', tickets: ['ORD-1'] })
const b = makeBranch({ name: 'feature/ORD-2-b', tickets: ['ORD-2'] })
const c = makeBranch({ name: 'fix/c' })
const listing = makeListing([a, b, c])
const commit = (subject: string): Commit => ({
  sha: subject.padEnd(40, '0'),
  subject,
  author: 'Ada',
  date: '2025-01-01T00:00:00Z',
  tickets: []
})

describe('branches store', () => {
  it('starts from its defaults', () => {
    expect(createBranchesStore(createFakeClient()).getState()).toMatchObject(BRANCHES_DEFAULTS)
  })

  it('loads from the cache and refreshes from git', async () => {
    const client = createFakeClient({ 'branches.list': () => listing })
    const store = createBranchesStore(client)
    const loading = store.getState().load()
    expect(store.getState().loading).toBe(true)
    await loading
    expect(store.getState()).toMatchObject({ listing, loading: false, error: null })
    await store.getState().refresh()
    expect(client.callsOf('branches.list')).toEqual([{}, { refresh: true }])
  })

  it('turns an ApiCallError into an error state and keeps the last listing', async () => {
    const client = createFakeClient({ 'branches.list': () => listing })
    const store = createBranchesStore(client)
    await store.getState().load()
    client.handlers['branches.list'] = () => {
      throw new ApiCallError({ code: 'git-failed', message: 'git for-each-ref failed: bad object' })
    }
    await store.getState().refresh()
    expect(store.getState()).toMatchObject({
      listing,
      loading: false,
      error: { code: 'git-failed', message: 'git for-each-ref failed: bad object' }
    })
  })

  it('ignores an older answer that arrives after a newer one', async () => {
    const slow = deferred<BranchListing>()
    const newer = makeListing([a])
    let n = 0
    const client = createFakeClient({ 'branches.list': () => (n++ === 0 ? slow.promise : newer) })
    const store = createBranchesStore(client)
    const first = store.getState().load()
    await store.getState().refresh()
    slow.resolve(listing)
    await first
    expect(store.getState().listing).toBe(newer)
  })

  it('moves the selection within the filtered list, clamped at the ends', async () => {
    const store = createBranchesStore(createFakeClient({ 'branches.list': () => listing }))
    await store.getState().load()
    const s = (): string | null => store.getState().selected
    store.getState().moveSelection(1)
    expect(s()).toBe(a.name)
    store.getState().moveSelection(1)
    store.getState().moveSelection(1)
    store.getState().moveSelection(1)
    expect(s()).toBe(c.name)
    store.getState().moveSelection(-5)
    expect(s()).toBe(a.name)
    store.getState().moveSelection(Infinity)
    expect(s()).toBe(c.name)
    store.getState().select(null)
    store.getState().moveSelection(-1)
    expect(s()).toBe(c.name)

    store.getState().setFilter('ord')
    expect(visibleBranches(store.getState()).map((x) => x.name)).toEqual([a.name, b.name])
    store.getState().moveSelection(1)
    store.getState().moveSelection(1)
    expect(s()).toBe(b.name)
    // Filtering out the selection moves it to the first match.
    store.getState().setFilter('fix')
    expect(s()).toBe(c.name)
    store.getState().clearFilter()
    expect(store.getState().filter).toBe('')
  })

  it('opens the drawer on the selection and loads its commits ahead of main', async () => {
    const commits = [commit('two'), commit('one')]
    const client = createFakeClient({
      'branches.list': () => listing,
      'branches.commits': () => commits
    })
    const store = createBranchesStore(client)
    await store.getState().load()
    store.getState().select(b.name)
    store.getState().openDrawer()
    expect(store.getState()).toMatchObject({
      drawerOpen: true,
      commits: { kind: 'loading', name: b.name }
    })
    await Promise.resolve()
    await Promise.resolve()
    expect(store.getState().commits).toEqual({ kind: 'loaded', name: b.name, commits })
    expect(client.callsOf('branches.commits')).toEqual([{ name: b.name, limit: 200 }])

    // While open, the drawer follows the selection.
    store.getState().moveSelection(1)
    expect(store.getState().commits).toMatchObject({ kind: 'loading', name: c.name })
    store.getState().closeDrawer()
    expect(store.getState().drawerOpen).toBe(false)
  })

  it('shows a failed commit read in the drawer', async () => {
    const client = createFakeClient({
      'branches.list': () => listing,
      'branches.commits': () => {
        throw new ApiCallError({ code: 'not-found', message: 'No branch named fix/c.' })
      }
    })
    const store = createBranchesStore(client)
    await store.getState().load()
    await store.getState().loadCommits(c.name)
    expect(store.getState().commits).toEqual({
      kind: 'failed',
      name: c.name,
      error: { code: 'not-found', message: 'No branch named fix/c.' }
    })
  })

  it('re-reads the drawer commits when its branch moves, and drops a vanished selection', async () => {
    let current = listing
    const client = createFakeClient({
      'branches.list': () => current,
      'branches.commits': () => [commit('x')]
    })
    const store = createBranchesStore(client)
    await store.getState().load()
    store.getState().openDrawer(a.name)
    await store.getState().loadCommits(a.name)
    const before = client.callsOf('branches.commits').length

    current = makeListing([{ ...a, sha: 'f'.repeat(40) }, b, c])
    await store.getState().refresh()
    expect(client.callsOf('branches.commits').length).toBe(before + 1)

    current = makeListing([b, c])
    await store.getState().refresh()
    expect(store.getState()).toMatchObject({
      selected: null,
      drawerOpen: false,
      commits: { kind: 'idle' }
    })
  })

  it('forgets everything on reset', async () => {
    const store = createBranchesStore(createFakeClient({ 'branches.list': () => listing }))
    await store.getState().load()
    store.getState().setFilter('x')
    store.getState().reset()
    expect(store.getState()).toMatchObject(BRANCHES_DEFAULTS)
  })
})

describe('the "Mine" filter', () => {
  it('lists only the branches with my commits, with the text filter on top', async () => {
    const client = createFakeClient({
      'branches.list': () => listing,
      'branches.mine': () => ({ email: 'ana@example.com', names: [a.name, c.name] })
    })
    const store = createBranchesStore(client)
    await store.getState().load()
    await store.getState().loadMine()
    expect(visibleBranches(store.getState()).map((x) => x.name)).toEqual([a.name, b.name, c.name])
    store.getState().select(b.name)
    store.getState().setMineOnly(true)
    expect(visibleBranches(store.getState()).map((x) => x.name)).toEqual([a.name, c.name])
    // The selection leaves a branch the filter hides.
    expect(store.getState().selected).toBe(a.name)
    store.getState().setFilter('fix')
    expect(visibleBranches(store.getState()).map((x) => x.name)).toEqual([c.name])
    expect(store.getState().isMine(c.name)).toBe(true)
    expect(store.getState().isMine(b.name)).toBe(false)
    store.getState().setMineOnly(false)
    expect(visibleBranches(store.getState()).map((x) => x.name)).toEqual([c.name])
  })

  it('re-reads mine whenever the listing is read; without an identity nothing is mine', async () => {
    let answer = { email: null as string | null, names: [] as string[] }
    const client = createFakeClient({
      'branches.list': () => listing,
      'branches.mine': () => answer
    })
    const store = createBranchesStore(client)
    await store.getState().load()
    await Promise.resolve()
    expect(store.getState().mine).toEqual({ email: null, names: [] })
    store.getState().setMineOnly(true)
    expect(visibleBranches(store.getState())).toEqual([])
    answer = { email: 'bo@example.com', names: [b.name] }
    await store.getState().refresh()
    await new Promise((r) => setTimeout(r, 0))
    expect(visibleBranches(store.getState()).map((x) => x.name)).toEqual([b.name])
    expect(client.callsOf('branches.mine').length).toBeGreaterThanOrEqual(2)
  })
})
