import { describe, expect, it } from 'vitest'
import type { FileDiff, PullRequest, PullRequestView } from '../../../shared/pull-request-models'
import { ApiCallError } from '../../../shared/errors'
import { createFakeClient, deferred } from '../test/fake-client'
import { DIFF_WINDOW, createPullsStore, pullOf } from './pulls-store'

const BRANCH = 'ORD-151-export-refunds'
const ANA = { name: 'Ana Lima', email: 'ana@example.com' }

function pull(overrides: Partial<PullRequest> = {}): PullRequest {
  return {
    id: 'p1',
    branch: BRANCH,
    title: 'Export refunds',
    description: '',
    ticket: 'ORD-151',
    author: ANA,
    openedAt: '2026-12-02T12:00:00.000Z',
    updatedAt: '2026-12-02T12:00:00.000Z',
    state: 'open',
    reviews: [],
    comments: [],
    merged: null,
    ...overrides
  }
}

function view(overrides: Partial<PullRequest> = {}): PullRequestView {
  return {
    pullRequest: pull(overrides),
    head: 'a'.repeat(40),
    headRef: BRANCH,
    mainSha: 'b'.repeat(40),
    commits: [],
    checks: [],
    mergeable: false
  }
}

function diffWindow(offset: number, limit: number, total: number): FileDiff {
  const count = Math.max(0, Math.min(limit, total - offset))
  return {
    path: 'big.txt',
    base: 'b'.repeat(40),
    head: 'a'.repeat(40),
    binary: false,
    totalLines: total,
    offset,
    lines: Array.from({ length: count }, (_, i) => ({
      kind: 'add' as const,
      oldLine: null,
      newLine: offset + i + 1,
      text: `line ${offset + i + 1}`
    }))
  }
}

describe('pulls store', () => {
  it('shows the open pull request of a branch (or of its origin twin) on the card', () => {
    const merged = pull({ id: 'old', state: 'merged' })
    const open = pull({ id: 'new' })
    expect(pullOf([merged, open], BRANCH)?.id).toBe('new')
    expect(pullOf([merged], `origin/${BRANCH}`)?.id).toBe('old')
    expect(pullOf([open], 'other')).toBeNull()
  })

  it('opens the view with its files and reads a large diff in windows, each once', async () => {
    const total = 30_000
    const client = createFakeClient({
      'pullRequests.get': () => view(),
      'pullRequests.files': () => ({
        base: 'b'.repeat(40),
        head: 'a'.repeat(40),
        files: [{ path: 'big.txt', oldPath: null, status: 'added', additions: total, deletions: 0 }]
      }),
      'pullRequests.diff': ({ offset, limit }) => diffWindow(offset ?? 0, limit ?? 0, total)
    })
    const store = createPullsStore(client)
    await store.getState().openView(BRANCH)
    const diff = store.getState().diff
    expect(diff?.totalLines).toBe(total)
    expect(Object.keys(diff?.windows ?? {})).toEqual(['0'])

    // Scrolling to row 25,000 reads only the window holding it, and only once.
    store.getState().loadDiffRow(25_000)
    store.getState().loadDiffRow(25_001)
    await new Promise((r) => setTimeout(r, 0))
    const reads = client.callsOf('pullRequests.diff') as { offset: number; limit: number }[]
    expect(reads).toEqual([
      { branch: BRANCH, path: 'big.txt', offset: 0, limit: DIFF_WINDOW },
      {
        branch: BRANCH,
        path: 'big.txt',
        offset: Math.floor(25_000 / DIFF_WINDOW) * DIFF_WINDOW,
        limit: DIFF_WINDOW
      }
    ])
    const rows = store.getState().diff?.windows[Math.floor(25_000 / DIFF_WINDOW)] ?? []
    expect(rows[25_000 % DIFF_WINDOW]?.text).toBe('line 25001')
  })

  it('shows merge progress only while its merge runs, then the outcome', async () => {
    const answer = deferred<{
      kind: 'main-moved'
      main: string
      retest: null
      message: string
    }>()
    const client = createFakeClient({
      'pullRequests.get': () => view(),
      'pullRequests.files': () => ({ base: 'b', head: 'a', files: [] }),
      'pullRequests.list': () => [pull()],
      'pullRequests.merge': () => answer.promise
    })
    const store = createPullsStore(client)
    await store.getState().openView(BRANCH)
    store.getState().progress(BRANCH, { kind: 'syncing', runId: null })
    expect(store.getState().mergeProgress).toBeNull()

    const merging = store.getState().merge()
    expect(store.getState().pending).toBe('merge')
    store.getState().progress('another-branch', { kind: 'merging', runId: null })
    expect(store.getState().mergeProgress).toBeNull()
    store.getState().progress(BRANCH, { kind: 'testing', runId: 'r1' })
    expect(store.getState().mergeProgress).toEqual({ kind: 'testing', runId: 'r1' })

    answer.resolve({
      kind: 'main-moved',
      main: 'c'.repeat(40),
      retest: null,
      message: 'main moved on origin; the merge result is tested again: merge again once it passed'
    })
    await merging
    expect(store.getState()).toMatchObject({
      pending: null,
      mergeProgress: null,
      mergeOutcome: { kind: 'main-moved' },
      error: null
    })
  })

  it('keeps a refused merge as an error naming its reason', async () => {
    const client = createFakeClient({
      'pullRequests.get': () => view(),
      'pullRequests.files': () => ({ base: 'b', head: 'a', files: [] }),
      'pullRequests.list': () => [pull()],
      'pullRequests.merge': () => {
        throw new ApiCallError({
          code: 'checks-failed',
          message:
            'approvals: 1 approval from someone who authored none of its commits required, 0 given'
        })
      }
    })
    const store = createPullsStore(client)
    await store.getState().openView(BRANCH)
    await store.getState().merge()
    expect(store.getState().pending).toBeNull()
    expect(store.getState().error?.message).toContain('approvals: 1 approval')
    expect(store.getState().mergeOutcome).toBeNull()
  })

  it('drops answers that arrive after the workspace changed', async () => {
    const list = deferred<PullRequest[]>()
    const client = createFakeClient({ 'pullRequests.list': () => list.promise })
    const store = createPullsStore(client)
    const loading = store.getState().load()
    store.getState().reset()
    list.resolve([pull()])
    await loading
    expect(store.getState().pulls).toEqual([])
  })
})
