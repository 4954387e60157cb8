import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import type { PrunableBranch, TestRun } from '../../../shared'
import { StoresContext } from '../stores/hooks'
import { createStores } from '../stores/stores'
import { createFakeClient, makeBranch, makeListing } from '../test/fake-client'
import { BranchCard } from './BranchCard'
import { PruneDialog } from './PruneDialog'
import { TestStatus } from './TestStatus'

afterEach(cleanup)

const NOW = Date.parse('2026-12-01T12:00:00Z')
const sha = (c: string): string => c.repeat(40)
const merged: PrunableBranch[] = [
  { name: '--force', sha: sha('a'), date: '2026-11-30T12:00:00Z', subject: 'x', atMain: true },
  {
    name: 'feature/ORD-1-done',
    sha: sha('b'),
    date: '2026-11-20T12:00:00Z',
    subject: 'ORD-1 done',
    atMain: false
  },
  {
    name: "it's-done",
    sha: sha('c'),
    date: '2026-11-10T12:00:00Z',
    subject: 'quote',
    atMain: false
  }
]

function renderDialog() {
  const client = createFakeClient({
    'branches.prunable': () => merged,
    'branches.list': () => makeListing([]),
    'branches.mine': () => ({ email: null, names: [] }),
    'branches.prune': ({ branches }) => ({ done: branches, skipped: [] }),
    'branches.restore': ({ branches }) => ({ done: branches, skipped: [] })
  })
  render(
    <StoresContext.Provider value={createStores(client)}>
      <PruneDialog mainBranch="main" now={NOW} onClose={() => {}} />
    </StoresContext.Provider>
  )
  return client
}

describe('PruneDialog', () => {
  it('lists exactly what goes, deletes only the ticked branches at their shas, and undoes', async () => {
    const client = renderDialog()
    const list = await screen.findByTestId('prune-list')
    expect([...list.querySelectorAll('li')].map((li) => li.dataset.branch)).toEqual(
      merged.map((b) => b.name)
    )
    expect(within(list).getByText('at main, no commit of its own')).toBeTruthy()
    expect(within(list).getByText('bbbbbbbb')).toBeTruthy()
    // Untick one: the button says how many go, and only the ticked ones are sent.
    fireEvent.click(within(list).getAllByRole('checkbox')[1]!)
    const confirm = screen.getByTestId('prune-confirm')
    expect(confirm.textContent).toContain('Delete 2 local branches')
    fireEvent.click(confirm)
    await screen.findByTestId('prune-result')
    expect(client.callsOf('branches.prune')).toEqual([
      {
        branches: [
          { name: '--force', sha: sha('a') },
          { name: "it's-done", sha: sha('c') }
        ]
      }
    ])
    // The shas to restore by hand, the name after "--" and quoted for a shell.
    expect(screen.getByTestId('prune-restore').textContent).toBe(
      [`git branch -- '--force' ${sha('a')}`, `git branch -- 'it'\\''s-done' ${sha('c')}`].join(
        '\n'
      )
    )
    fireEvent.click(screen.getByTestId('prune-undo'))
    await waitFor(() =>
      expect(screen.getByRole('status').textContent).toMatch(/^Restored 2 branches/)
    )
    expect(client.callsOf('branches.restore')).toEqual(client.callsOf('branches.prune'))
    expect(screen.queryByTestId('prune-undo')).toBeNull()
  })
})

describe('branch card', () => {
  const run = (over: Partial<TestRun>): TestRun => ({
    id: 'r',
    kind: 'merge',
    sha: sha('d'),
    mainSha: sha('e'),
    branch: 'b',
    status: 'failed',
    reason: 'new-commit',
    queuedAt: '2026-01-01T00:00:00Z',
    startedAt: null,
    finishedAt: null,
    durationMs: null,
    exitCode: 1,
    summary: '',
    conflicts: [],
    failedTests: [],
    logBytes: 0,
    ...over
  })

  it('tells a merge conflict from a failing test, by shape and word', () => {
    render(
      <>
        <TestStatus
          run={run({ conflicts: ['a.txt'], summary: 'merge conflict in a.txt' })}
          kind="merge"
          compact
        />
        <TestStatus run={run({})} kind="merge" compact />
      </>
    )
    const [conflict, failing] = screen.getAllByTestId('test-status')
    expect(conflict!.dataset.conflict).toBe('true')
    expect(conflict!.textContent).toBe('conflicts')
    expect(conflict!.getAttribute('aria-label')).toMatch(
      /conflicts with the main branch \(not a test failure\)/
    )
    expect(failing!.dataset.conflict).toBeUndefined()
    expect(failing!.getAttribute('aria-label')).toBe('Merge result failed')
    // Different icons (shapes), not only colours.
    expect(conflict!.querySelector('svg')?.getAttribute('class')).not.toBe(
      failing!.querySelector('svg')?.getAttribute('class')
    )
  })

  it('marks a merged branch, and one at main, in words', () => {
    const client = createFakeClient()
    const stores = createStores(client)
    render(
      <StoresContext.Provider value={stores}>
        <BranchCard
          branch={makeBranch({ name: 'done', ahead: 0, behind: 3 })}
          mainBranch="main"
          selected={false}
          id="a"
          now={NOW}
          onOpen={() => {}}
        />
        <BranchCard
          branch={makeBranch({ name: 'new', ahead: 0, behind: 0 })}
          mainBranch="main"
          selected={false}
          id="b"
          now={NOW}
          onOpen={() => {}}
        />
        <BranchCard
          branch={makeBranch({ name: 'open', ahead: 2, behind: 0 })}
          mainBranch="main"
          selected={false}
          id="c"
          now={NOW}
          onOpen={() => {}}
        />
      </StoresContext.Provider>
    )
    expect(screen.getAllByTestId('merged-chip').map((c) => c.textContent)).toEqual([
      'merged',
      'at main'
    ])
  })
})
