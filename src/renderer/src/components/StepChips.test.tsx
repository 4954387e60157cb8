import { act, render, screen, within } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { HostDeployState, HostStep } from '../../../shared'
import { StepChips } from './StepChips'

const R1 = '20261126.1001-abc0001'
const URL = 'http://10.0.0.7:8080/health'

function host(steps: HostStep[], overrides: Partial<HostDeployState> = {}): HostDeployState {
  const last = steps[steps.length - 1]
  return {
    host: 'web-1',
    step: last.step,
    state: last.state,
    progress: null,
    message: last.message,
    steps,
    healthDeadline: null,
    ...overrides
  }
}

/** Each chip as "label: state", in order, as a screen reader reads it. */
function chips(): string[] {
  const list = screen.getByRole('list', { name: 'Steps on web-1' })
  return within(list)
    .getAllByRole('listitem')
    .map((li) => li.textContent?.replace(/\s+/g, ' ').trim() ?? '')
}

afterEach(() => {
  vi.useRealTimers()
  document.body.innerHTML = ''
})

describe('StepChips', () => {
  it('a rollback shows upload and unpack as skipped, the running step current, the rest to do', () => {
    const why = `a rollback sends nothing: ${R1} is already on the host`
    render(
      <StepChips
        host={host([
          { step: 'preflight', state: 'done', message: '' },
          { step: 'upload', state: 'skipped', message: why },
          { step: 'unpack', state: 'skipped', message: why },
          { step: 'lock', state: 'done', message: 'locked by ana' },
          { step: 'activate', state: 'running', message: `switching current to ${R1}` }
        ])}
        finished={false}
      />
    )
    expect(chips()).toEqual([
      'preflight: done',
      'lock: done',
      'upload: skipped',
      'verify + unpack: skipped',
      'activate: running',
      'hook: to do',
      'health: to do'
    ])
    const upload = screen.getByText('upload').closest('li')
    expect(upload?.getAttribute('title')).toBe(why)
    expect(screen.getByText('activate').closest('li')?.getAttribute('aria-current')).toBe('step')
  })

  it('every state has its own icon, never colour alone', () => {
    render(
      <StepChips
        host={host([
          { step: 'preflight', state: 'done', message: '' },
          { step: 'lock', state: 'done', message: '' },
          { step: 'upload', state: 'skipped', message: 'already there' },
          { step: 'activate', state: 'done', message: '' },
          { step: 'health', state: 'failed', message: 'health check failed: x' },
          { step: 'rollback', state: 'rolled-back', message: 'back on R0' }
        ])}
        finished
      />
    )
    const icon = (label: string): string =>
      [...(screen.getByText(label).closest('li')?.querySelector('svg')?.classList ?? [])].find(
        (c) => c.startsWith('lucide-')
      ) ?? ''
    const byState = {
      done: icon('preflight'),
      skipped: icon('upload'),
      failed: icon('health'),
      rolledBack: icon('switch back')
    }
    expect(new Set(Object.values(byState)).size).toBe(4)
    render(
      <StepChips
        host={{ ...host([{ step: 'preflight', state: 'running', message: '' }]), host: 'web-2' }}
        finished={false}
      />
    )
    const list = screen.getByRole('list', { name: 'Steps on web-2' })
    const running = within(list).getByText('preflight').closest('li')?.querySelector('svg')
    const pending = within(list).getByText('lock').closest('li')?.querySelector('svg')
    const others = new Set(Object.values(byState))
    for (const svg of [running, pending]) {
      const name = [...(svg?.classList ?? [])].find((c) => c.startsWith('lucide-')) ?? ''
      expect(name).not.toBe('')
      expect(others.has(name)).toBe(false)
      others.add(name)
    }
    expect(others.size).toBe(6)
  })

  it('a failed health step stays red with its last answer after the host was switched back', () => {
    const answer = `${URL} answered 503: "database not ready" (gave up after 30 s (healthCheck.timeoutSeconds))`
    render(
      <StepChips
        host={host([
          { step: 'preflight', state: 'done', message: '' },
          { step: 'lock', state: 'done', message: '' },
          { step: 'upload', state: 'done', message: 'sent' },
          { step: 'unpack', state: 'done', message: '' },
          { step: 'activate', state: 'done', message: '' },
          { step: 'hook', state: 'skipped', message: 'no afterActivate hook configured' },
          { step: 'health', state: 'failed', message: `health check failed: ${answer}` },
          { step: 'rollback', state: 'rolled-back', message: 'back on R0' }
        ])}
        finished
      />
    )
    expect(chips()).toContain('health: failed')
    expect(chips()).toContain('switch back: rolled back')
    expect(screen.getByText('health').closest('li')?.className).toContain('step-failed')
    expect(screen.getByTestId('step-failure-health').textContent?.trim()).toBe(
      `health failed, last answer: ${answer}`
    )
  })

  it('counts down to the deadline the server sent, second by second', () => {
    vi.useFakeTimers()
    const now = Date.parse('2026-12-03T08:00:00.000Z')
    vi.setSystemTime(now)
    render(
      <StepChips
        host={host(
          [
            { step: 'activate', state: 'done', message: '' },
            { step: 'health', state: 'running', message: `waiting for the host to serve ${R1}` }
          ],
          { healthDeadline: new Date(now + 27_000).toISOString() }
        )}
        finished={false}
      />
    )
    const countdown = screen.getByTestId('health-countdown')
    expect(countdown.textContent).toBe('27 s left')
    expect(countdown.getAttribute('datetime')).toBe(new Date(now + 27_000).toISOString())
    act(() => vi.advanceTimersByTime(5_000))
    expect(countdown.textContent).toBe('22 s left')
    act(() => vi.advanceTimersByTime(30_000))
    expect(countdown.textContent).toBe('giving up')
  })

  it('no countdown without a deadline from the server; an ended deployment has nothing to do', () => {
    render(
      <StepChips
        host={host([{ step: 'preflight', state: 'failed', message: 'cannot reach deploy@h:22' }])}
        finished
      />
    )
    expect(screen.queryByTestId('health-countdown')).toBeNull()
    expect(chips()).toEqual([
      'preflight: failed',
      'lock: skipped',
      'upload: skipped',
      'verify + unpack: skipped',
      'activate: skipped',
      'hook: skipped',
      'health: skipped'
    ])
    // The host's own line says why; the chips do not repeat it.
    expect(screen.queryByTestId('step-failure-preflight')).toBeNull()
  })
})
