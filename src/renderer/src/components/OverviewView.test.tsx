import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import type { EnvironmentConfig, EnvironmentStatus, HostStatus, Release } from '../../../shared'
import { ApiCallError } from '../../../shared/errors'
import { StoresContext } from '../stores/hooks'
import { createStores, type Stores } from '../stores/stores'
import { createFakeClient, makeWorkspace, type FakeClient } from '../test/fake-client'
import { OverviewView } from './OverviewView'

const R0 = '20261120.0800-0000000'
const R1 = '20261125.0900-aaaaaaa'
const R2 = '20261126.1100-bbbbbbb'
const NOW = Date.parse('2026-11-26T12:00:00.000Z')

const environments: EnvironmentConfig[] = [
  {
    name: 'staging',
    hosts: [{ local: '.slipway/hosts/staging-1', name: 'staging-1' }],
    keepReleases: 5
  },
  {
    name: 'production',
    hosts: [
      { local: '.slipway/hosts/production-1', name: 'production-1' },
      { local: '.slipway/hosts/production-2', name: 'production-2' },
      { host: 'app3.internal', path: '/srv/orders', name: 'production-3' }
    ],
    keepReleases: 5
  }
]

function host(name: string, overrides: Partial<HostStatus> = {}): HostStatus {
  return {
    host: name,
    reachable: true,
    error: null,
    release: R2,
    previous: R1,
    releases: [R2, R1],
    health: { kind: 'healthy', release: R2, detail: '' },
    healthy: true,
    lock: null,
    ...overrides
  }
}

function status(environment: string, hosts: HostStatus[], drift = false): EnvironmentStatus {
  return {
    environment,
    hosts,
    drift,
    badReleases: [],
    readAt: new Date(NOW - 60_000).toISOString()
  }
}

function release(id: string, tickets: string[], subject: string): Release {
  return {
    id,
    commit: id.slice(-7).padEnd(40, '0'),
    subject,
    createdAt: '2026-11-26T11:00:00.000Z',
    createdBy: 'ana',
    sha256: 'f'.repeat(64),
    sizeBytes: 1000,
    tickets,
    commits: [],
    previousId: null
  }
}

const flush = (): Promise<void> => act(() => new Promise<void>((r) => setTimeout(r, 0)))

async function show(
  client: FakeClient,
  configs: EnvironmentConfig[] = environments,
  onClose: () => void = () => undefined
): Promise<Stores> {
  const stores = createStores(client)
  stores.workspace.setState({
    initialized: true,
    workspace: makeWorkspace({ config: { ...makeWorkspace().config, environments: configs } })
  })
  await stores.releases.getState().load()
  render(
    <StoresContext.Provider value={stores}>
      <OverviewView now={NOW} onClose={onClose} />
    </StoresContext.Provider>
  )
  // What the lanes do on the board: read each environment from its hosts.
  fireEvent.click(screen.getByRole('button', { name: /read all again/i }))
  await flush()
  return stores
}

afterEach(cleanup)

describe('OverviewView: which release is on which environment', () => {
  it('lists every release on any host, newest first, with current, drift, previous and health', async () => {
    const client = createFakeClient({
      'releases.list': () => [
        release(R2, ['ORD-7', 'ORD-9'], 'Refunds'),
        release(R1, ['ORD-3'], 'Search')
      ],
      'environments.status': (req) =>
        (req as { environment: string }).environment === 'staging'
          ? status('staging', [host('staging-1', { releases: [R2, R1, R0] })])
          : status(
              'production',
              [
                host('production-1', { release: R1, previous: R0, releases: [R1, R0] }),
                host('production-2', {
                  release: R2,
                  previous: R1,
                  releases: [R2, R1],
                  health: { kind: 'unhealthy', release: null, detail: 'HTTP 503' },
                  healthy: false
                }),
                host('production-3', {
                  reachable: false,
                  error: 'connect ECONNREFUSED',
                  release: null,
                  previous: null,
                  releases: []
                })
              ],
              true
            )
    })
    await show(client)
    expect(client.callsOf('environments.status')).toEqual([
      { environment: 'staging' },
      { environment: 'production' }
    ])

    const rows = screen.getAllByTestId('overview-row')
    expect(rows.map((r) => r.getAttribute('data-release'))).toEqual([R2, R1, R0])
    const cell = (row: number, env: string): HTMLElement =>
      within(rows[row] as HTMLElement).getByTestId(`overview-cell-${env}`)
    const state = (row: number, env: string): string | null =>
      cell(row, env).getAttribute('data-state')

    // R2: current on staging's one host (healthy); on one of production's two reachable hosts.
    expect(state(0, 'staging')).toBe('current')
    expect(cell(0, 'staging').textContent).toBe('currenton 1 of 1 hosthealthy')
    expect(state(0, 'production')).toBe('drift')
    expect(cell(0, 'production').textContent).toBe(
      'drifton 1 of 2 hosts: production-2unhealthy on production-2'
    )
    expect(
      within(rows[0] as HTMLElement)
        .getAllByTestId('ticket-chip')
        .map((c) => c.textContent)
    ).toEqual(['ORD-7', 'ORD-9'])
    expect(rows[0]?.textContent).toContain('Refunds')

    // R1: staging's rollback target; production-1 serves it (healthy).
    expect(state(1, 'staging')).toBe('previous')
    expect(cell(1, 'staging').textContent).toBe('previousrollback target on 1 hostRoll back…')
    expect(state(1, 'production')).toBe('drift')
    expect(cell(1, 'production').textContent).toBe('drifton 1 of 2 hosts: production-1healthy')

    // R0: production-1's previous; still unpacked on staging-1; no record of it here.
    expect(state(2, 'staging')).toBe('kept')
    expect(cell(2, 'staging').textContent).toBe('kept on 1 hostRoll back…')
    expect(state(2, 'production')).toBe('previous')
    // Only production-1 still holds R0: rolling production back to it is not offered.
    expect(within(cell(2, 'production')).queryByRole('button')).toBeNull()
    expect(rows[2]?.textContent).toContain('Not built on this machine: tickets unknown')

    // The drifting environment's heading: the per-host breakdown and the unreachable host.
    const production = screen.getByTestId('overview-env-production')
    expect(within(production).getByTestId('overview-drift').textContent).toBe(
      `Drift: its hosts serve different releasesproduction-1:${R1}production-2:${R2}`
    )
    expect(within(production).getByTestId('overview-unreachable').textContent).toBe(
      'Not reachable: production-3'
    )
    expect(within(production).getByText(/3 hosts, read/).textContent).toBe(
      '3 hosts, read 1 minute ago'
    )
    expect(screen.getByTestId('overview-env-staging').textContent).not.toContain('Drift')
    expect(screen.getByTestId('overview-summary').textContent).toBe(
      '3 releases on the hosts of 2 environments, newest first.'
    )
  })

  it('says so when nothing is deployed, and when a reading fails', async () => {
    const client = createFakeClient({
      'releases.list': () => [],
      'environments.status': (req) => {
        if ((req as { environment: string }).environment === 'production') {
          throw new ApiCallError({ code: 'internal', message: 'the hosts could not be read' })
        }
        return status('staging', [
          host('staging-1', { release: null, previous: null, releases: [] })
        ])
      }
    })
    await show(client)
    expect(screen.queryAllByTestId('overview-row')).toEqual([])
    expect(screen.getByTestId('overview-summary').textContent).toBe(
      'Nothing is deployed on the hosts of staging or production yet.'
    )
    expect(screen.getByTestId('overview-env-production').textContent).toContain(
      'Could not read: the hosts could not be read'
    )
  })
})

describe('OverviewView: what a cell offers', () => {
  const promoted: EnvironmentConfig[] = [
    environments[0] as EnvironmentConfig,
    {
      name: 'production',
      hosts: [
        { local: '.slipway/hosts/production-1', name: 'production-1' },
        { local: '.slipway/hosts/production-2', name: 'production-2' }
      ],
      keepReleases: 5,
      promoteFrom: 'staging'
    }
  ]
  // Staging runs R2 (R1 before it); both production hosts run R1, R0 before it.
  const readings = (req: unknown): EnvironmentStatus =>
    (req as { environment: string }).environment === 'staging'
      ? status('staging', [host('staging-1')])
      : status('production', [
          host('production-1', { release: R1, previous: R0, releases: [R1, R0] }),
          host('production-2', { release: R1, previous: R0, releases: [R1, R0] })
        ])

  it('promotes what staging runs to production, through the promote dialog', async () => {
    const client = createFakeClient({
      'releases.list': () => [release(R2, ['ORD-7'], 'Refunds')],
      'environments.status': readings,
      'promotions.list': () => [],
      'promotions.preview': () => {
        throw new ApiCallError({ code: 'internal', message: 'not needed here' })
      }
    })
    let closed = 0
    const stores = await show(client, promoted, () => (closed += 1))
    const row = (id: string): HTMLElement =>
      screen.getAllByTestId('overview-row').find((r) => r.dataset.release === id) as HTMLElement
    const cell = (id: string, env: string): HTMLElement =>
      within(row(id)).getByTestId(`overview-cell-${env}`)

    // Only R2, current upstream and not yet in production, can be promoted; R1 already is.
    expect(within(cell(R1, 'production')).queryByRole('button')).toBeNull()
    expect(within(cell(R2, 'staging')).queryByRole('button')).toBeNull()
    const promote = within(cell(R2, 'production')).getByRole('button', {
      name: `Promote ${R2} to production`
    })
    fireEvent.click(promote)
    await flush()
    expect(closed).toBe(1)
    expect(client.callsOf('promotions.preview')).toEqual([
      { release: R2, environment: 'production' }
    ])
    expect(stores.promotions.getState().dialog).toMatchObject({
      release: R2,
      environment: 'production'
    })
  })

  it('rolls an environment back to a release all its hosts still hold', async () => {
    const client = createFakeClient({
      'releases.list': () => [],
      'environments.status': readings
    })
    let closed = 0
    const stores = await show(client, promoted, () => (closed += 1))
    const r0 = screen
      .getAllByTestId('overview-row')
      .find((r) => r.dataset.release === R0) as HTMLElement
    fireEvent.click(
      within(within(r0).getByTestId('overview-cell-production')).getByRole('button', {
        name: `Roll production back to ${R0}`
      })
    )
    expect(closed).toBe(1)
    expect(stores.deploy.getState().dialog).toEqual({
      kind: 'rollback',
      environment: 'production',
      to: R0
    })
  })

  it('offers no rollback while the workspace is untrusted, and says why', async () => {
    const client = createFakeClient({
      'releases.list': () => [],
      'environments.status': readings
    })
    const stores = await show(client, promoted)
    act(() =>
      stores.trust.setState({
        status: {
          state: 'untrusted',
          workspacePath: '/repos/orders',
          commands: [],
          fingerprint: 'f',
          diff: []
        }
      })
    )
    const button = screen.getByRole('button', { name: `Roll production back to ${R0}` })
    expect(button).toHaveProperty('disabled', true)
    expect(button.title).toBe('Trust the workspace first: a rollback runs its commands')
  })
})
