import { act, fireEvent, render, screen, within } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { EnvironmentConfig, EnvironmentStatus, HostStatus } from '../../../shared'
import { StoresContext } from '../stores/hooks'
import { createStores, type Stores } from '../stores/stores'
import { createFakeClient } from '../test/fake-client'
import { DeployOverlay } from './DeployOverlay'
import { EnvironmentLane, STATUS_REFRESH_MS } from './EnvironmentLane'

const env: EnvironmentConfig = {
  name: 'production',
  hosts: [
    { host: 'app1.internal', path: '/srv/orders', name: 'app-1' },
    { host: 'app2.internal', path: '/srv/orders', name: 'app-2' }
  ],
  keepReleases: 5
}
const NOW = Date.parse('2026-11-26T12:00:00.000Z')

function host(name: string, overrides: Partial<HostStatus> = {}): HostStatus {
  return {
    host: name,
    reachable: true,
    error: null,
    release: '20261126.1100-bbbbbbb',
    previous: '20261125.0900-aaaaaaa',
    releases: ['20261125.0900-aaaaaaa', '20261126.1100-bbbbbbb'],
    health: { kind: 'healthy', release: '20261126.1100-bbbbbbb', detail: '' },
    healthy: true,
    lock: null,
    ...overrides
  }
}

function renderLane(status: EnvironmentStatus): { stores: Stores; calls: () => unknown[] } {
  const client = createFakeClient({
    'environments.status': () => status,
    'environments.breakLock': () => ({ ok: true as const })
  })
  const stores = createStores(client)
  render(
    <StoresContext.Provider value={stores}>
      <EnvironmentLane environment={env} now={NOW} />
      <DeployOverlay />
    </StoresContext.Provider>
  )
  return { stores, calls: () => client.callsOf('environments.breakLock') }
}

afterEach(() => {
  document.body.innerHTML = ''
})

describe('EnvironmentLane', () => {
  it('shows each host as read, drift, a stale lock broken with a required reason, and the read age', async () => {
    const since = new Date(NOW - 2 * 3_600_000).toISOString()
    const status: EnvironmentStatus = {
      environment: 'production',
      hosts: [
        host('app-1', {
          lock: {
            holder: 'bo@desk',
            machine: 'desk',
            reason: 'ORD-150',
            since,
            heartbeatAt: since,
            stale: true
          }
        }),
        host('app-2', {
          release: '20261125.0900-aaaaaaa',
          previous: null,
          healthy: false,
          health: { kind: 'unhealthy', release: null, detail: 'HTTP 502 from /health' }
        })
      ],
      drift: true,
      badReleases: [],
      readAt: new Date(NOW - 120_000).toISOString()
    }
    const { calls } = renderLane(status)
    const lane = screen.getByTestId('lane-env-production')
    const first = await within(lane).findByTestId('host-app-1')
    expect(within(first).getByTestId('host-release').textContent).toBe('20261126.1100-bbbbbbb')
    expect(within(first).getByTestId('host-health').textContent).toBe('healthy')
    const second = within(lane).getByTestId('host-app-2')
    expect(second.textContent).toContain('HTTP 502 from /health')
    expect(within(lane).getByTestId('drift-production').textContent).toContain('Drift')
    expect(within(lane).getByTestId('read-production').textContent).toBe('Stale: read 2 min ago')
    const badge = within(first).getByTestId('lock-badge')
    expect(badge.textContent).toContain('Locked by bo@desk · 2 hours ago')
    expect(badge.textContent).toContain('stale')

    fireEvent.click(within(badge).getByTestId('break-lock'))
    const dialog = await screen.findByTestId('break-lock-dialog')
    const confirm = within(dialog).getByTestId('break-lock-confirm')
    expect((confirm as HTMLButtonElement).disabled).toBe(true)
    // Focus went into the dialog (keyboard users land on the first control).
    expect(dialog.contains(document.activeElement)).toBe(true)
    fireEvent.change(within(dialog).getByTestId('break-lock-reason'), {
      target: { value: 'bo is away' }
    })
    expect((confirm as HTMLButtonElement).disabled).toBe(false)
    await act(async () => {
      fireEvent.click(confirm)
    })
    expect(calls()).toEqual([{ environment: 'production', reason: 'bo is away' }])
    expect(screen.queryByTestId('break-lock-dialog')).toBeNull()
  })

  it('a lock left by a Slipway that is gone says so and comes with its reason filled in', async () => {
    const since = new Date(NOW - 60_000).toISOString()
    const suggestedReason =
      'left by a Slipway that stopped without releasing it during deployment d-7 (its process (pid 4242) is no longer running)'
    const lock = {
      holder: 'bo@desk',
      machine: 'desk',
      reason: 'ORD-150',
      since,
      heartbeatAt: since,
      stale: true,
      holderGone:
        'the Slipway that took it on this machine is gone: its process (pid 4242) is no longer running',
      suggestedReason
    }
    const { calls } = renderLane({
      environment: 'production',
      hosts: [host('app-1', { lock }), host('app-2', { lock })],
      drift: false,
      badReleases: [],
      readAt: new Date(NOW).toISOString()
    })
    const lane = screen.getByTestId('lane-env-production')
    const badge = within(await within(lane).findByTestId('host-app-1')).getByTestId('lock-badge')
    expect(badge.textContent).toContain('left by a stopped Slipway')
    expect(badge.getAttribute('title')).toContain('(pid 4242) is no longer running')
    fireEvent.click(within(badge).getByTestId('break-lock'))
    const dialog = await screen.findByTestId('break-lock-dialog')
    expect(dialog.textContent).toContain(
      'It was left behind: the Slipway that took it on this machine is gone'
    )
    const input = within(dialog).getByTestId('break-lock-reason') as HTMLInputElement
    expect(input.value).toBe(suggestedReason)
    await act(async () => {
      fireEvent.click(within(dialog).getByTestId('break-lock-confirm'))
    })
    expect(calls()).toEqual([{ environment: 'production', reason: suggestedReason }])
  })

  it('opens the rollback confirmation naming the previous release; Escape closes it', async () => {
    renderLane({
      environment: 'production',
      hosts: [host('app-1'), host('app-2')],
      drift: false,
      badReleases: [],
      readAt: new Date(NOW - 3_000).toISOString()
    })
    const lane = screen.getByTestId('lane-env-production')
    await within(lane).findByTestId('host-app-1')
    expect(within(lane).getByTestId('read-production').textContent).toBe('Read just now')
    fireEvent.click(within(lane).getByTestId('rollback-production'))
    const dialog = await screen.findByTestId('rollback-dialog')
    expect(within(dialog).getByTestId('rollback-target').textContent).toBe('20261125.0900-aaaaaaa')
    // Tab cycles inside the dialog.
    const buttons = within(dialog).getAllByRole('button')
    buttons.at(-1)?.focus()
    fireEvent.keyDown(document.activeElement ?? document.body, { key: 'Tab' })
    expect(document.activeElement).toBe(buttons[0])
    fireEvent.keyDown(document.activeElement ?? document.body, { key: 'Tab', shiftKey: true })
    expect(document.activeElement).toBe(buttons.at(-1))
    fireEvent.keyDown(document.activeElement ?? document.body, { key: 'Escape' })
    expect(screen.queryByTestId('rollback-dialog')).toBeNull()
  })

  it('Check host keys… on an unreachable host says it is unreachable and what to check', async () => {
    const refused =
      'cannot reach deploy@10.0.0.7:2222: connection refused. Is sshd running on 10.0.0.7:2222?'
    const refused2 =
      'cannot reach deploy@app2.internal:22: connection refused. Is sshd running on app2.internal:22?'
    const client = createFakeClient({
      'environments.status': () => ({
        environment: 'production',
        hosts: [
          host('app-1', { reachable: false, error: refused, release: null, previous: null }),
          // Read before its sshd was stopped: the card's reason is older than the check's.
          host('app-2', { reachable: false, error: 'did not answer within 10 s', previous: null })
        ],
        drift: false,
        badReleases: [],
        readAt: new Date(NOW - 3_000).toISOString()
      }),
      'hosts.scan': () => [
        {
          host: 'app-1',
          address: '10.0.0.7',
          port: 2222,
          state: 'unreachable' as const,
          keyType: null,
          key: null,
          fingerprint: null,
          message: refused
        },
        {
          host: 'app-2',
          address: 'app2.internal',
          port: 22,
          state: 'unreachable' as const,
          keyType: null,
          key: null,
          fingerprint: null,
          message: refused2
        }
      ]
    })
    const stores = createStores(client)
    render(
      <StoresContext.Provider value={stores}>
        <EnvironmentLane environment={env} now={NOW} />
        <DeployOverlay />
      </StoresContext.Provider>
    )
    const lane = screen.getByTestId('lane-env-production')
    fireEvent.click(await within(lane).findByTestId('check-keys-production'))
    const note = await within(lane).findByTestId('key-check-production')
    await within(note).findByText(/app-1 is unreachable/)
    expect(note.getAttribute('role')).toBe('status')
    const lines = [...note.querySelectorAll('.key-check-line')].map((l) => l.textContent?.trim())
    // The reason once: app-1's card already says it; app-2's card still holds an older one.
    expect(lines).toEqual([
      'app-1 is unreachable, so its host key was not checked; the reason is on its card below',
      `app-2 is unreachable, so its host key was not checked: ${refused2}`
    ])
    expect(within(lane).getByTestId('host-app-1').textContent).toContain(refused)
    expect(note.querySelector('[data-state="unreachable"] svg')).not.toBeNull()
    expect(stores.deploy.getState().prompt).toBeNull()
  })

  it('re-reads the hosts every 30 s while the page is visible, none while hidden, at once on return', async () => {
    vi.useFakeTimers()
    let state: DocumentVisibilityState = 'visible'
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state })
    const show = (next: DocumentVisibilityState): void =>
      act(() => {
        state = next
        document.dispatchEvent(new Event('visibilitychange'))
      })
    try {
      const client = createFakeClient({
        'environments.status': () => ({
          environment: 'production',
          hosts: [host('app-1'), host('app-2')],
          drift: false,
          badReleases: [],
          readAt: new Date(NOW).toISOString()
        })
      })
      render(
        <StoresContext.Provider value={createStores(client)}>
          <EnvironmentLane environment={env} now={NOW} />
        </StoresContext.Provider>
      )
      const reads = (): number => client.callsOf('environments.status').length
      const wait = async (ms: number): Promise<void> => {
        await act(async () => {
          await vi.advanceTimersByTimeAsync(ms)
        })
      }
      await wait(0)
      expect(reads()).toBe(1)
      await wait(STATUS_REFRESH_MS - 1)
      expect(reads()).toBe(1)
      await wait(1)
      expect(reads()).toBe(2)
      await wait(STATUS_REFRESH_MS)
      expect(reads()).toBe(3)
      show('hidden')
      await wait(5 * STATUS_REFRESH_MS)
      expect(reads()).toBe(3)
      show('visible')
      await wait(0)
      expect(reads()).toBe(4)
      await wait(STATUS_REFRESH_MS)
      expect(reads()).toBe(5)
    } finally {
      delete (document as { visibilityState?: unknown }).visibilityState
      vi.useRealTimers()
    }
  })
})
