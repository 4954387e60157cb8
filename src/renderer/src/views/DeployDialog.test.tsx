import { act, fireEvent, render, screen, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import type { EnvironmentStatus, Release } from '../../../shared'
import { StoresContext } from '../stores/hooks'
import { createStores } from '../stores/stores'
import { createFakeClient, makeWorkspace } from '../test/fake-client'
import { DeployDialog } from './DeployDialog'

function release(id: string, previousId: string | null, ticket: string): Release {
  return {
    id,
    commit: id.slice(-7).padEnd(40, '0'),
    subject: `${ticket} work`,
    createdAt: '2026-11-26T12:00:00.000Z',
    createdBy: 'ada@laptop',
    sha256: '0'.repeat(64),
    sizeBytes: 10,
    tickets: [ticket],
    commits: [{ sha: id.slice(-7).padEnd(40, 'f'), subject: `${ticket} work` }],
    previousId
  }
}
const r1 = release('20261126.1000-aaaaaaa', null, 'ORD-1')
const r2 = release('20261126.1100-bbbbbbb', r1.id, 'ORD-2')
const r3 = release('20261126.1200-ccccccc', r2.id, 'ORD-3')

function running(environment: string, id: string | null): EnvironmentStatus {
  return {
    environment,
    hosts: [
      {
        host: `${environment}-1`,
        reachable: true,
        error: null,
        release: id,
        previous: null,
        releases: id ? [id] : [],
        health: { kind: 'healthy', release: id, detail: '' },
        healthy: true,
        lock: null
      }
    ],
    drift: false,
    badReleases: [],
    readAt: new Date().toISOString()
  }
}

describe('DeployDialog', () => {
  it('offers what staging runs for production and lists the changes since production', async () => {
    const client = createFakeClient({
      'releases.list': () => [r3, r2, r1],
      'environments.status': ({ environment }) =>
        environment === 'staging' ? running('staging', r2.id) : running('production', r1.id),
      'deployments.start': ({ release, environment }) => ({
        id: 'd9',
        workspace: '/repos/orders',
        kind: 'deploy',
        release,
        environment,
        status: 'running',
        startedBy: 'ada@laptop',
        startedAt: new Date().toISOString(),
        finishedAt: null,
        hosts: [],
        log: [],
        summary: '',
        version: 1
      })
    })
    const stores = createStores(client)
    stores.workspace.setState({
      workspace: makeWorkspace({
        config: {
          tickets: { pattern: '[A-Z]+-[0-9]+' },
          pullRequests: { approvals: 1, mergeMethod: 'merge' },
          environments: [
            { name: 'staging', hosts: [{ local: 'a' }], keepReleases: 5 },
            { name: 'production', promoteFrom: 'staging', hosts: [{ local: 'b' }], keepReleases: 5 }
          ]
        }
      })
    })
    render(
      <StoresContext.Provider value={stores}>
        <DeployDialog environment="production" />
      </StoresContext.Provider>
    )
    const dialog = await screen.findByTestId('deploy-dialog')
    const select = within(dialog).getByTestId('deploy-release') as HTMLSelectElement
    await screen.findByText(r2.id, { selector: 'code', exact: true }, { timeout: 2000 })
    expect(select.value).toBe(r2.id)
    expect(within(dialog).getByTestId('promote-from').textContent).toContain(
      `production is promoted from staging, which runs ${r2.id}`
    )
    const changes = within(dialog).getByTestId('changes')
    expect(changes.textContent).toContain(`Changes since ${r1.id}`)
    expect(changes.textContent).toContain('ORD-2')
    expect(changes.textContent).not.toContain('ORD-3')

    // Picking a release staging never ran says so.
    fireEvent.change(select, { target: { value: r3.id } })
    expect(within(dialog).getByTestId('promote-from').textContent).toContain(
      'has not been through it'
    )
    await act(async () => {
      fireEvent.click(within(dialog).getByTestId('deploy-start'))
    })
    expect(client.callsOf('deployments.start')).toEqual([
      { release: r3.id, environment: 'production' }
    ])
    expect(stores.deploy.getState().dialog).toEqual({ kind: 'progress', id: 'd9' })
  })

  // Issue 13: locks visible before acting, with the exact time on hover (never raw ISO).
  it("shows the environment's lock before the user deploys", async () => {
    const since = new Date(Date.now() - 12 * 60_000).toISOString()
    const locked = running('staging', r1.id)
    const host = locked.hosts[0]
    if (!host) throw new Error('no host')
    const client = createFakeClient({
      'releases.list': () => [r2, r1],
      'environments.status': () => ({
        ...locked,
        hosts: [
          {
            ...host,
            lock: {
              holder: 'bo@desk',
              machine: 'desk',
              reason: 'ORD-150 hotfix',
              since,
              heartbeatAt: new Date().toISOString(),
              stale: false
            }
          }
        ]
      })
    })
    const stores = createStores(client)
    stores.workspace.setState({
      workspace: makeWorkspace({
        config: {
          tickets: { pattern: '[A-Z]+-[0-9]+' },
          pullRequests: { approvals: 1, mergeMethod: 'merge' },
          environments: [{ name: 'staging', hosts: [{ local: 'a' }], keepReleases: 5 }]
        }
      })
    })
    render(
      <StoresContext.Provider value={stores}>
        <DeployDialog environment="staging" />
      </StoresContext.Provider>
    )
    const notice = await screen.findByTestId('deploy-lock', {}, { timeout: 2000 })
    expect(notice.textContent).toContain('staging is locked by bo@desk on desk')
    expect(notice.textContent).toContain('12 minutes ago')
    expect(notice.textContent).toContain('“ORD-150 hotfix”')
    expect(notice.textContent).toContain('refused while the lock is held')
    expect(notice.textContent).not.toContain(since)
    expect(notice.querySelector('time')?.getAttribute('title')).toMatch(
      /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/
    )
  })

  it('inside a freeze, explains the disabled button and sends the written override', async () => {
    const frozen: EnvironmentStatus = {
      ...running('production', r1.id),
      freeze: {
        windows: ['Fri 16:00 - Mon 08:00'],
        endsAt: '2026-12-07T08:00:00.000Z',
        endsAtLocal: '2026-12-07 08:00',
        timeZone: 'UTC'
      },
      freezeOverride: null
    }
    const client = createFakeClient({
      'releases.list': () => [r2, r1],
      'environments.status': () => frozen,
      'deployments.start': ({ release, environment }) => ({
        id: 'd10',
        workspace: '/repos/orders',
        kind: 'deploy',
        release,
        environment,
        status: 'running',
        startedBy: 'ada@laptop',
        startedAt: new Date().toISOString(),
        finishedAt: null,
        hosts: [],
        log: [],
        summary: '',
        version: 1
      })
    })
    const stores = createStores(client)
    stores.workspace.setState({
      workspace: makeWorkspace({
        config: {
          tickets: { pattern: '[A-Z]+-[0-9]+' },
          pullRequests: { approvals: 1, mergeMethod: 'merge' },
          environments: [
            {
              name: 'production',
              hosts: [{ local: 'b' }],
              keepReleases: 5,
              freeze: ['Fri 16:00 - Mon 08:00']
            }
          ]
        }
      })
    })
    const view = render(
      <StoresContext.Provider value={stores}>
        <DeployDialog environment="production" />
      </StoresContext.Provider>
    )
    const here = within(view.baseElement.lastElementChild as HTMLElement)
    const notice = await here.findByTestId('freeze-production', {}, { timeout: 2000 })
    expect(notice.textContent).toContain('Frozen until 2026-12-07 08:00 (UTC)')
    const start = here.getByTestId('deploy-start') as HTMLButtonElement
    expect(start.disabled).toBe(true)
    expect(start.textContent).toBe('Override the freeze and deploy to production')
    expect(here.getByTestId('deploy-disabled-why').textContent).toContain(
      'waits for a written reason of 10 characters or more'
    )
    fireEvent.change(here.getByTestId('deploy-override'), {
      target: { value: 'ORD-2 payment outage, cannot wait' }
    })
    expect(start.disabled).toBe(false)
    expect(here.queryByTestId('deploy-disabled-why')).toBeNull()
    await act(async () => {
      fireEvent.click(start)
    })
    expect(client.callsOf('deployments.start')).toEqual([
      {
        release: r2.id,
        environment: 'production',
        overrideFreeze: 'ORD-2 payment outage, cannot wait'
      }
    ])
  })
})
