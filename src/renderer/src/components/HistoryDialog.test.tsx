import { act, cleanup, render, screen, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import type { DeploymentRecord } from '../../../shared'
import { ApiCallError } from '../../../shared/errors'
import type { LedgerRecord } from '../../../shared/ledger-models'
import { StoresContext } from '../stores/hooks'
import { createStores } from '../stores/stores'
import { connectSubscriptions } from '../stores/subscriptions'
import { createFakeClient, makeWorkspace, type FakeClient } from '../test/fake-client'
import { HistoryDialog } from './HistoryDialog'

const T = (minute: number): string => `2026-12-02T23:${String(minute).padStart(2, '0')}:00.000Z`

function hostRecord(id: string, minute: number, outcome: DeploymentRecord['outcome']) {
  return {
    id,
    kind: 'deploy',
    environment: 'staging',
    release: `r-${id}`,
    from: null,
    by: 'ana@laptop',
    machine: 'laptop',
    reason: null,
    startedAt: T(minute),
    finishedAt: T(minute + 1),
    outcome,
    hosts: [{ host: 'staging-1', last: outcome, detail: null }]
  } satisfies DeploymentRecord
}

function entry(
  position: number,
  id: string,
  minute: number,
  phase: 'started' | 'finished',
  outcome: 'succeeded' | 'failed' | null = null
): LedgerRecord {
  return {
    position,
    commit: 'c'.repeat(40),
    author: { name: 'Ana Ruiz', email: 'ana@orders.example' },
    entry: {
      id: position.toString(16).padStart(16, '0'),
      at: T(minute),
      by: 'ana@laptop',
      environment: 'staging',
      tickets: [],
      kind: 'deployment',
      deployment: id,
      release: `r-${id}`,
      phase,
      outcome: phase === 'finished' ? outcome : null,
      hosts: ['staging-1'],
      reason: null,
      summary: phase === 'finished' ? `r-${id} is ${outcome} on staging` : 'started by ana@laptop'
    }
  }
}

const flush = (): Promise<void> => act(() => new Promise<void>((r) => setTimeout(r, 0)))

function show(client: FakeClient): void {
  const stores = createStores(client)
  stores.workspace.setState({ initialized: true, workspace: makeWorkspace() })
  connectSubscriptions(stores, client)
  render(
    <StoresContext.Provider value={stores}>
      <HistoryDialog environment="staging" onClose={() => undefined} />
    </StoresContext.Provider>
  )
}

afterEach(cleanup)

describe('HistoryDialog merges the hosts’ logs with the ledger', () => {
  it('marks rows only one side has, keeps them, and says where the two disagree', async () => {
    let ledger: LedgerRecord[] = [
      entry(6, 'only-ledger', 20, 'finished', 'succeeded'),
      entry(5, 'only-ledger', 19, 'started'),
      entry(4, 'disagree', 11, 'finished', 'succeeded'),
      entry(3, 'disagree', 10, 'started'),
      entry(2, 'agree', 2, 'finished', 'succeeded'),
      entry(1, 'agree', 1, 'started')
    ]
    const client = createFakeClient({
      'deployments.history': () => ({
        environment: 'staging',
        records: [
          hostRecord('disagree', 10, 'failed'),
          hostRecord('only-hosts', 5, 'finished'),
          hostRecord('agree', 1, 'finished')
        ],
        unreadable: []
      }),
      'ledger.list': () => ledger
    })
    show(client)
    await flush()
    expect(client.callsOf('ledger.list')).toEqual([
      { environment: 'staging', kind: ['deployment', 'rollback'], limit: 10_000 }
    ])
    const rows = screen.getAllByTestId('history-row')
    expect(rows.map((r) => r.getAttribute('data-source'))).toEqual([
      'ledger-only',
      'both',
      'hosts-only',
      'both'
    ])
    expect(rows[0]?.textContent).toContain('Deploy r-only-ledger')
    expect(rows[0]?.textContent).toContain("Not in the hosts' logs")
    expect(rows[0]?.textContent).toContain('entries #5, #6')
    expect(rows[0]?.textContent).toContain('r-only-ledger is succeeded on staging')
    expect(rows[1]?.textContent).toContain('Hosts and ledger')
    expect(rows[1]?.textContent).toContain("The ledger says succeeded; the hosts' logs say failed.")
    expect(rows[1]?.getAttribute('data-outcome')).toBe('failed')
    expect(rows[2]?.textContent).toContain('Not in the ledger')
    expect(within(rows[3] as HTMLElement).queryByText(/disagree|says/)).toBeNull()
    expect(screen.getByTestId('history-differences').textContent).toBe(
      "The hosts' logs and the ledger differ: 1 only in the ledger (no host logged it), 1 only in the hosts' logs (not in the ledger), 1 where the two disagree about the end."
    )
    expect(screen.getByRole('status').textContent).toContain(
      "4 deployments from the hosts' logs and the ledger"
    )

    // A ledger entry appended here (the missing deployment recorded after all) is followed live.
    ledger = [entry(7, 'only-hosts', 5, 'started'), ...ledger]
    act(() => client.emit({ event: 'ledger.changed', payload: { kind: 'appended', summary: 'x' } }))
    await flush()
    expect(screen.getAllByTestId('history-row').map((r) => r.getAttribute('data-source'))).toEqual([
      'ledger-only',
      'both',
      'both',
      'both'
    ])
    expect(client.callsOf('deployments.history')).toHaveLength(1)
  })

  it('shows the hosts’ logs alone, marked not compared, when the ledger cannot be read', async () => {
    const client = createFakeClient({
      'deployments.history': () => ({
        environment: 'staging',
        records: [hostRecord('a', 1, 'finished')],
        unreadable: []
      }),
      'ledger.list': () => {
        throw new ApiCallError({ code: 'internal', message: 'the ledger ref is unreadable' })
      }
    })
    show(client)
    await flush()
    const rows = screen.getAllByTestId('history-row')
    expect(rows.map((r) => r.getAttribute('data-source'))).toEqual(['not-compared'])
    expect(rows[0]?.textContent).toContain('Not compared')
    expect(screen.getByTestId('history-ledger-error').textContent).toBe(
      "The ledger could not be read (the ledger ref is unreadable): these are the hosts' logs alone, not compared with it."
    )
    expect(screen.queryByTestId('history-differences')).toBeNull()
  })
})
