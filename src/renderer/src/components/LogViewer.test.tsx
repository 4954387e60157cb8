import { cleanup, render, screen } from '@testing-library/react'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { TestRun } from '../../../shared'
import type { RunLogState } from '../stores/tests-store'
import { LogViewer } from './LogViewer'
import { RunDots, summaryBeyondStatus, TestStatus } from './TestStatus'

afterEach(cleanup)

// jsdom has no layout: give the scroll box a height so the virtualizer has a window to fill.
const clientHeight = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientHeight')
beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', {
    configurable: true,
    get: () => 600
  })
})
afterAll(() => {
  if (clientHeight) Object.defineProperty(HTMLElement.prototype, 'clientHeight', clientHeight)
})

function logOf(lines: string[], startByte = 0): RunLogState {
  return {
    runId: 'r1',
    lines,
    startByte,
    endByte: startByte + lines.join('\n').length,
    totalBytes: startByte + lines.join('\n').length,
    loading: false,
    error: null
  }
}

describe('LogViewer', () => {
  it('renders only the lines in view of a 50 MB log, with ANSI colours as classes', () => {
    // ~1.2 million lines of ~44 bytes: a 50 MB log.
    const line = '\x1b[31mFAIL\x1b[0m src/orders.test.ts > totals round'
    const lines = Array.from({ length: 1_200_000 }, () => line)
    const { container } = render(<LogViewer log={logOf(lines)} onLoadEarlier={() => {}} />)
    // Virtualized: a handful of rows in the DOM whatever the log's length. (No timing here: a
    // shared CI machine makes wall-clock limits in unit tests flaky; speed lives in bench/.)
    const rows = container.querySelectorAll('.log-line')
    expect(rows.length).toBeGreaterThan(0)
    expect(rows.length).toBeLessThan(200)
    const red = container.querySelector('.log-line .ansi-red')
    expect(red?.textContent).toBe('FAIL')
    expect(container.textContent).not.toContain('\x1b')
  })

  it('says when there is no output yet and when earlier output is not loaded', () => {
    render(<LogViewer log={logOf([''])} onLoadEarlier={() => {}} />)
    expect(screen.getByText('No output yet.')).toBeTruthy()
    cleanup()
    render(<LogViewer log={logOf(['tail line'], 4096)} onLoadEarlier={() => {}} />)
    expect(screen.getByText(/Scroll up for earlier output \(4 KiB before this\)/)).toBeTruthy()
  })
})

describe('TestStatus', () => {
  const run: TestRun = {
    id: 'r1',
    kind: 'tip',
    sha: 'a'.repeat(40),
    mainSha: null,
    branch: 'feature/x',
    status: 'failed',
    reason: 'new-commit',
    queuedAt: '2026-01-01T00:00:00Z',
    startedAt: '2026-01-01T00:00:01Z',
    finishedAt: '2026-01-01T00:00:04Z',
    durationMs: 3200,
    exitCode: 1,
    summary: '2 tests failed',
    conflicts: [],
    failedTests: [],
    logBytes: 10
  }

  it('shows a summary only when it says more than the status (no "queued/queued")', () => {
    expect(summaryBeyondStatus({ ...run, status: 'queued', summary: 'queued' })).toBe('')
    expect(summaryBeyondStatus({ ...run, status: 'passed', summary: 'passed' })).toBe('')
    expect(summaryBeyondStatus({ ...run, status: 'timed-out', summary: 'timed out' })).toBe('')
    expect(summaryBeyondStatus(run)).toBe('2 tests failed')
  })

  it('shows status, kind and details in its title; not tested yet without a run', () => {
    render(
      <>
        <TestStatus run={run} kind="tip" />
        <TestStatus run={null} kind="merge" />
        <RunDots runs={[run, { ...run, id: 'r2', status: 'passed' }]} />
      </>
    )
    const [tip, merge] = screen.getAllByTestId('test-status')
    expect(tip?.dataset.status).toBe('failed')
    expect(tip?.title).toBe('tip failed at aaaaaaaa in 3.2 s: 2 tests failed')
    expect(merge?.dataset.status).toBe('none')
    expect(merge?.title).toBe('merge result not tested yet')
    expect(
      [...screen.getByTestId('run-dots').children].map((d) => d.getAttribute('data-status'))
    ).toEqual(['failed', 'passed'])
  })
})
