import { act, fireEvent, render, screen } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import type { TestRun } from '../../../shared'
import type { PullRequest, PullRequestView } from '../../../shared/pull-request-models'
import { StoresContext } from '../stores/hooks'
import { createStores } from '../stores/stores'
import { createFakeClient, makeBranch } from '../test/fake-client'
import { BranchCard } from './BranchCard'
import { PullRequestView as PullView } from './PullRequestView'

const BRANCH = 'feature/ORD-142-refund-endpoint'
const MAIN = 'c'.repeat(40)
const ANA = { name: 'Ana Lima', email: 'ana@example.com' }

function pull(): PullRequest {
  return {
    id: 'p1',
    branch: BRANCH,
    title: 'ORD-142 Refund an order over HTTP',
    description: '',
    ticket: 'ORD-142',
    author: ANA,
    openedAt: '2026-12-02T12:00:00.000Z',
    updatedAt: '2026-12-02T12:00:00.000Z',
    state: 'open',
    reviews: [],
    comments: [],
    merged: null
  }
}

function view(): PullRequestView {
  return {
    pullRequest: pull(),
    head: 'a'.repeat(40),
    headRef: BRANCH,
    mainSha: MAIN,
    commits: [],
    checks: [],
    mergeable: false
  }
}

function retest(status: TestRun['status']): TestRun {
  return {
    id: 'retest-1',
    kind: 'merge',
    sha: 'a'.repeat(40),
    mainSha: MAIN,
    branch: BRANCH,
    status,
    reason: 'pull request',
    queuedAt: '2026-12-02T12:00:00.000Z',
    startedAt: null,
    finishedAt: null,
    durationMs: null,
    exitCode: null,
    summary: status === 'passed' ? 'passed' : '',
    conflicts: [],
    failedTests: [],
    logBytes: 0
  }
}

afterEach(() => {
  document.body.innerHTML = ''
})

describe('pull requests on the board', () => {
  it('a branch card shows its pull request and its three checks as text, nothing interactive', async () => {
    const client = createFakeClient({
      'pullRequests.list': () => [pull()],
      'pullRequests.checks': () => [
        {
          branch: BRANCH,
          checks: [
            { name: 'tests', status: 'passed', summary: 'passed (merge with main at cccccccc)' },
            {
              name: 'approvals',
              status: 'failed',
              summary: '1 approval from someone who authored none of its commits required, 0 given'
            },
            { name: 'up-to-date', status: 'pending', summary: 'being tested' }
          ]
        }
      ]
    })
    const stores = createStores(client)
    await stores.pulls.getState().load()
    render(
      <StoresContext.Provider value={stores}>
        <div role="listbox" aria-label="Branches">
          <BranchCard
            branch={makeBranch({ name: BRANCH, tickets: ['ORD-142'] })}
            mainBranch="main"
            selected={false}
            id="card-1"
            now={Date.now()}
            onOpen={() => {}}
          />
        </div>
      </StoresContext.Provider>
    )
    const card = screen.getByRole('option')
    expect(card.textContent).toContain('PR in review')
    const checks = screen.getByTestId('card-checks')
    expect(checks.textContent).toBe('tests passedapprovals failedup to date pending')
    expect(checks.querySelector('[data-check="approvals"]')?.getAttribute('title')).toMatch(
      /^Approvals: failed \(1 approval from someone who authored none/
    )
    // The status once: never "passed (passed …)".
    expect(checks.querySelector('[data-check="tests"]')?.getAttribute('title')).toBe(
      'Tests on the merge result: passed (merge with main at cccccccc)'
    )
    expect(checks.querySelector('[data-check="up-to-date"]')?.getAttribute('title')).toBe(
      'Up to date with main: pending (being tested)'
    )
    // A listbox option holds no control (axe nested-interactive).
    expect(card.querySelectorAll('button, a, input, select, textarea, [tabindex]')).toHaveLength(0)
  })

  it('asks again after origin main moved: follows the retest, then offers Merge again', async () => {
    const client = createFakeClient({
      'pullRequests.get': () => view(),
      'pullRequests.files': () => ({ base: 'b', head: 'a', files: [] }),
      'pullRequests.list': () => [pull()],
      'pullRequests.checks': () => [],
      'tests.run': () => retest('running'),
      'pullRequests.merge': () => ({
        kind: 'main-moved',
        main: MAIN,
        retest: retest('queued'),
        message: "origin's main moved"
      })
    })
    const stores = createStores(client)
    await stores.pulls.getState().openView(BRANCH)
    render(
      <StoresContext.Provider value={stores}>
        <PullView isDemo={false} now={Date.now()} />
      </StoresContext.Provider>
    )
    await act(async () => {
      fireEvent.click(screen.getByTestId('pull-merge'))
      await new Promise((r) => setTimeout(r, 0))
    })
    expect(screen.getByTestId('pull-main-moved').textContent).toMatch(
      /Origin's main moved to cccccccc while merging; nothing was merged\. Retesting the merge result with main at cccccccc: running…/
    )
    expect(screen.queryByTestId('pull-merge-again')).toBeNull()
    // Another run's end changes nothing; the retest's does.
    act(() => stores.pulls.getState().runChanged({ ...retest('passed'), id: 'other' }))
    expect(screen.queryByTestId('pull-merge-again')).toBeNull()
    act(() => stores.pulls.getState().runChanged(retest('passed')))
    const again = screen.getByTestId('pull-merge-again')
    expect(screen.getByTestId('pull-main-moved').textContent).toContain(
      'The merge result with main at cccccccc passed. Merge again?'
    )
    expect(document.activeElement).toBe(again)
    await act(async () => {
      fireEvent.click(again)
      await new Promise((r) => setTimeout(r, 0))
    })
    expect(client.callsOf('pullRequests.merge')).toHaveLength(2)
  })
})
