import { act, render, screen } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import type { ChangedFiles, PullRequestView as View } from '../../../shared/pull-request-models'
import { ApiCallError } from '../../../shared/errors'
import { StoresContext } from '../stores/hooks'
import { createStores } from '../stores/stores'
import { createFakeClient, deferred } from '../test/fake-client'
import { PullRequestView } from './PullRequestView'

const BRANCH = 'feature/ORD-151-export-refunds'
const NOW = Date.parse('2026-12-03T12:00:00.000Z')

const VIEW: View = {
  pullRequest: {
    id: 'p1',
    branch: BRANCH,
    title: 'Export refunds',
    description: '',
    ticket: 'ORD-151',
    author: { name: 'Ana Lima', email: 'ana@example.com' },
    openedAt: '2026-12-03T11:00:00.000Z',
    updatedAt: '2026-12-03T11:00:00.000Z',
    state: 'open',
    reviews: [],
    comments: [],
    merged: null
  },
  head: 'a'.repeat(40),
  headRef: BRANCH,
  mainSha: 'b'.repeat(40),
  commits: [],
  checks: [],
  mergeable: false
}

afterEach(() => {
  document.body.innerHTML = ''
})

async function openWith(files: () => Promise<ChangedFiles>): Promise<void> {
  const client = createFakeClient({
    'pullRequests.get': () => VIEW,
    'pullRequests.files': files
  })
  const stores = createStores(client)
  render(
    <StoresContext.Provider value={stores}>
      <PullRequestView isDemo={false} now={NOW} />
    </StoresContext.Provider>
  )
  await act(async () => {
    void stores.pulls.getState().openView(BRANCH)
    await Promise.resolve()
  })
  await screen.findByText('Export refunds')
}

describe('the pull request view, changed files', () => {
  it('says it is reading them, then that none differs', async () => {
    const files = deferred<ChangedFiles>()
    await openWith(() => files.promise)
    expect(screen.getByText('Reading the changed files…')).toBeTruthy()
    await act(async () => files.resolve({ base: 'b'.repeat(40), head: 'a'.repeat(40), files: [] }))
    expect(screen.queryByText('Reading the changed files…')).toBeNull()
    expect(screen.getByTestId('pull-no-files').textContent).toBe('No file differs from main.')
    expect(screen.queryByRole('list', { name: 'Changed files' })).toBeNull()
  })

  it('stops saying it is reading them when reading failed, and shows why', async () => {
    await openWith(() =>
      Promise.reject(
        new ApiCallError({
          code: 'not-found',
          message: 'No branch named feature/ORD-151-export-refunds.'
        })
      )
    )
    expect((await screen.findByTestId('pull-error')).textContent).toContain('No branch named')
    expect(screen.queryByText('Reading the changed files…')).toBeNull()
  })
})
