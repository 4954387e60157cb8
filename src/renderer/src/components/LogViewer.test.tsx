import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { searchLines, type TestRun } from '../../../shared'
import type { RunLogState } from '../stores/tests-store'
import { LogViewer, type LogTools } from './LogViewer'
import { describeRun, RunDots, summaryBeyondStatus, TestStatus } from './TestStatus'

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
    error: null,
    firstLine: startByte === 0 ? 0 : null,
    detached: false
  }
}

/** Tools over `lines` as the whole log (the search runs over all of them, as the backend's). */
function toolsOver(lines: string[]): LogTools & { jumped: number[]; followed: number } {
  const tools = {
    jumped: [] as number[],
    followed: 0,
    onLoadEarlier: () => {},
    onLoadLater: () => {},
    jumpTo: (hit: { line: number }) => void tools.jumped.push(hit.line),
    followEnd: () => void tools.followed++,
    search: vi.fn(async (query: Parameters<LogTools['search']>[0]) => searchLines(lines, query)),
    readAll: async () => lines.join('\n'),
    fileName: 'feature-ORD-1-tip-abcdef12.log'
  }
  return tools
}

describe('LogViewer', () => {
  it('renders only the lines in view of a 50 MB log, with ANSI colours as classes', () => {
    // ~1.2 million lines of ~44 bytes: a 50 MB log.
    const line = '\x1b[31mFAIL\x1b[0m src/orders.test.ts > totals round'
    const lines = Array.from({ length: 1_200_000 }, () => line)
    const { container } = render(<LogViewer log={logOf(lines)} tools={toolsOver([])} />)
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
    render(<LogViewer log={logOf([''])} tools={toolsOver([])} />)
    expect(screen.getByText('No output yet.')).toBeTruthy()
    cleanup()
    render(<LogViewer log={logOf(['tail line'], 4096)} tools={toolsOver([])} />)
    expect(screen.getByText(/Scroll up for earlier output \(4 KiB before this\)/)).toBeTruthy()
  })
})

describe('LogViewer tools', () => {
  // 100 lines; "refund" on lines 6, 41 and 91 (1-based), one failing line (TAP's "not ok").
  const lines = Array.from({ length: 100 }, (_, i) =>
    i === 5
      ? '\x1b[31mnot ok 3 - refund\x1b[0m totals'
      : i === 40 || i === 90
        ? `ok ${i} - Refund by card`
        : `ok ${i} - adds`
  )

  it('searches the whole log, marks every hit, and walks them with Enter and Shift+Enter', async () => {
    const tools = toolsOver(lines)
    render(<LogViewer log={logOf(lines)} tools={tools} label="Test log" />)
    fireEvent.change(screen.getByTestId('log-search'), { target: { value: 'REFUND' } })
    await waitFor(() =>
      expect(screen.getByTestId('log-status').textContent).toBe('Match 1 of 3, line 6')
    )
    expect(tools.search).toHaveBeenCalledWith({ kind: 'text', text: 'REFUND' })
    expect(tools.jumped).toEqual([5])
    // The hit is marked where it is in the line as shown (the colour codes are not counted).
    expect(screen.getByTestId('log-hit-current').textContent).toBe('refund')
    expect(screen.getAllByText('Refund')[0]?.tagName).toBe('MARK')

    const box = screen.getByTestId('log-search')
    fireEvent.keyDown(box, { key: 'Enter' })
    expect(screen.getByTestId('log-status').textContent).toBe('Match 2 of 3, line 41')
    fireEvent.keyDown(box, { key: 'Enter' })
    fireEvent.keyDown(box, { key: 'Enter' })
    expect(screen.getByTestId('log-status').textContent).toBe('Match 1 of 3, line 6')
    fireEvent.keyDown(box, { key: 'Enter', shiftKey: true })
    expect(screen.getByTestId('log-status').textContent).toBe('Match 3 of 3, line 91')
    fireEvent.keyDown(screen.getByTestId('log-viewer'), { key: 'F3', shiftKey: true })
    expect(screen.getByTestId('log-status').textContent).toBe('Match 2 of 3, line 41')
    expect(tools.jumped).toEqual([5, 40, 90, 5, 90, 40])
    // The search stops following the end, and the current hit is the one marked so.
    expect(screen.getByTestId('log-follow').getAttribute('aria-pressed')).toBe('false')

    fireEvent.change(box, { target: { value: 'no such words' } })
    await waitFor(() =>
      expect(screen.getByTestId('log-status').textContent).toBe('No match in the whole log')
    )
  })

  it('jumps to the first failing line; / and Ctrl+F reach the search box', async () => {
    const tools = toolsOver(lines)
    render(<LogViewer log={logOf(lines)} tools={tools} />)
    fireEvent.click(screen.getByTestId('log-first-failure'))
    await waitFor(() =>
      expect(screen.getByTestId('log-status').textContent).toBe('Failing line 1 of 1, line 6')
    )
    expect(tools.search).toHaveBeenLastCalledWith({ kind: 'failures' })
    expect(tools.jumped).toEqual([5])
    expect(screen.getByTestId('log-hit-current').textContent).toBe('not ok')

    fireEvent.keyDown(screen.getByTestId('log-viewer'), { key: '/' })
    expect(document.activeElement).toBe(screen.getByTestId('log-search'))
    screen.getByTestId('log-follow').focus()
    fireEvent.keyDown(screen.getByTestId('log-follow'), { key: 'f', ctrlKey: true })
    expect(document.activeElement).toBe(screen.getByTestId('log-search'))
  })

  it('pauses and follows on request, copies and downloads the whole log as shown', async () => {
    const tools = toolsOver(lines)
    render(<LogViewer log={logOf(lines)} tools={tools} />)
    const follow = screen.getByTestId('log-follow')
    expect(follow.getAttribute('aria-pressed')).toBe('true')
    fireEvent.click(follow)
    expect(follow.getAttribute('aria-pressed')).toBe('false')
    expect(tools.followed).toBe(0)
    fireEvent.click(follow)
    expect(follow.getAttribute('aria-pressed')).toBe('true')
    expect(tools.followed).toBe(1)

    // eslint-disable-next-line no-control-regex
    const shown = lines.map((l) => l.replace(/\x1b\[[0-9;]*m/g, '')).join('\n')
    // What Copy says replaces the search's status (a search was made first).
    fireEvent.click(screen.getByTestId('log-first-failure'))
    await waitFor(() => expect(tools.jumped).toEqual([5]))
    const writeText = vi.fn(async () => {})
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText } })
    fireEvent.click(screen.getByTestId('log-copy'))
    await waitFor(() =>
      expect(screen.getByTestId('log-status').textContent).toBe('Copied the whole log (100 lines)')
    )
    expect(writeText).toHaveBeenCalledWith(shown)

    let saved: Blob | null = null
    let name = ''
    URL.createObjectURL = vi.fn((blob: Blob) => {
      saved = blob
      return 'blob:log'
    })
    URL.revokeObjectURL = vi.fn()
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
      this: HTMLAnchorElement
    ) {
      name = this.download
    })
    fireEvent.click(screen.getByTestId('log-download'))
    await waitFor(() => expect(saved).not.toBeNull())
    click.mockRestore()
    expect(name).toBe('feature-ORD-1-tip-abcdef12.log')
    const text = await new Promise<unknown>((resolve) => {
      const reader = new FileReader()
      reader.onload = () => resolve(reader.result)
      reader.readAsText(saved!)
    })
    expect(text).toBe(shown)
    expect(screen.getByTestId('log-status').textContent).toBe(
      'Saved as feature-ORD-1-tip-abcdef12.log'
    )
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
    // Titles too: "tip passed at aaaaaaaa in 3.2 s", not "…: passed".
    expect(describeRun({ ...run, status: 'passed', summary: 'passed' })).toBe(
      'tip passed at aaaaaaaa in 3.2 s'
    )
    expect(describeRun(run)).toBe('tip failed at aaaaaaaa in 3.2 s: 2 tests failed')
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
