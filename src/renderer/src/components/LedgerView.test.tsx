import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { LedgerRecord, LedgerVerifyReport } from '../../../shared/ledger-models'
import { StoresContext } from '../stores/hooks'
import { createStores, type Stores } from '../stores/stores'
import { createFakeClient, makeWorkspace, type FakeClient } from '../test/fake-client'
import { Header } from './Header'
import { LedgerView } from './LedgerView'

const ANA = { name: 'Ana Ruiz', email: 'ana@orders.example' }
const AT = '2026-12-02T23:00:00.000Z'
const NOW = Date.parse('2026-12-02T23:30:00.000Z')

const RECORDS: LedgerRecord[] = [
  {
    position: 3,
    commit: 'c'.repeat(40),
    author: { name: 'Priya Nair', email: 'priya@orders.example' },
    entry: {
      id: '3'.repeat(16),
      at: AT,
      by: 'priya@orders.example',
      environment: 'production',
      tickets: ['ORD-101', 'ORD-102', 'ORD-103', 'ORD-104', 'ORD-105', 'ORD-142'],
      kind: 'approval',
      promotion: 'p1',
      release: '20261202.2300-abc1234',
      signature: null,
      signedText: null
    }
  },
  {
    position: 2,
    commit: 'b'.repeat(40),
    author: ANA,
    entry: {
      id: '2'.repeat(16),
      at: AT,
      by: 'ana@laptop',
      environment: 'staging',
      tickets: ['ORD-142', 'ORD-150'],
      kind: 'deployment',
      deployment: 'd-1',
      release: '20261202.2300-abc1234',
      phase: 'finished',
      outcome: 'failed',
      hosts: ['staging-1'],
      reason: null,
      summary: 'staging-1 failed its health check'
    }
  },
  {
    position: 1,
    commit: 'a'.repeat(40),
    author: ANA,
    entry: {
      id: '1'.repeat(16),
      at: AT,
      by: 'ana@laptop',
      environment: null,
      tickets: [],
      kind: 'release',
      release: '20261202.2300-abc1234',
      commit: 'f'.repeat(40),
      sha256: 'e'.repeat(64),
      previous: null
    }
  }
]

function report(overrides: Partial<LedgerVerifyReport> = {}): LedgerVerifyReport {
  return {
    ok: true,
    tip: 'c'.repeat(40),
    entries: 3,
    findings: [],
    hosts: { checked: 1, unreadable: [], unrecorded: [] },
    previous: null,
    remembered: true,
    ...overrides
  }
}

function setup(client: FakeClient): Stores {
  const stores = createStores(client)
  stores.workspace.setState({
    initialized: true,
    workspace: makeWorkspace({
      config: {
        ...makeWorkspace().config,
        environments: [
          { name: 'staging', hosts: [] },
          { name: 'production', hosts: [] }
        ] as never
      }
    })
  })
  render(
    <StoresContext.Provider value={stores}>
      <Header
        workspace={stores.workspace.getState().workspace!}
        onPresent={() => undefined}
        onOverview={() => undefined}
      />
      <LedgerView now={NOW} />
    </StoresContext.Provider>
  )
  return stores
}

/** A Blob's text (jsdom's Blob has no text()). */
function textOf(blob: Blob | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    if (!blob) return reject(new Error('no blob was created'))
    const reader = new FileReader()
    reader.onload = () => resolve(String(reader.result))
    reader.onerror = () => reject(reader.error)
    reader.readAsText(blob)
  })
}

const flush = (): Promise<void> => act(() => new Promise<void>((r) => setTimeout(r, 0)))

afterEach(() => {
  cleanup()
  vi.unstubAllGlobals()
})

describe('LedgerView', () => {
  it('opens from the header, lists the entries in words and sends every filter', async () => {
    const client = createFakeClient({ 'ledger.list': () => RECORDS })
    setup(client)
    expect(screen.queryByTestId('ledger-view')).toBeNull()
    fireEvent.click(screen.getByTestId('open-ledger'))
    await flush()
    const view = screen.getByTestId('ledger-view')
    expect(within(view).getByRole('heading', { name: 'Ledger' })).toBeTruthy()
    const rows = within(view).getAllByTestId('ledger-row')
    expect(rows.map((r) => r.getAttribute('data-position'))).toEqual(['3', '2', '1'])
    expect(rows[0]?.textContent).toContain('Approved 20261202.2300-abc1234 for production')
    // Six tickets: three chips and the rest counted (named for screen readers and on hover).
    expect(rows[0]?.querySelectorAll('.ticket-chip')).toHaveLength(3)
    expect(rows[0]?.textContent).toContain('+3 more: ORD-104, ORD-105, ORD-142')
    expect(rows[1]?.textContent).toContain(
      'Deployment of 20261202.2300-abc1234 on staging ended: failed'
    )
    expect(rows[1]?.textContent).toContain('staging-1 failed its health check')
    expect(rows[1]?.textContent).toContain('Hosts: staging-1')
    expect(rows[0]?.textContent).not.toContain('Hosts:')
    expect(rows[1]?.textContent).toContain('ORD-150')
    expect(rows[2]?.textContent).toContain('Built release 20261202.2300-abc1234 from ffffffff')
    expect(screen.getByTestId('ledger-count').textContent).toBe('3 entries')

    fireEvent.change(screen.getByTestId('ledger-environment'), { target: { value: 'staging' } })
    fireEvent.change(screen.getByTestId('ledger-ticket'), { target: { value: ' ORD-142 ' } })
    fireEvent.change(screen.getByTestId('ledger-person'), { target: { value: 'ana' } })
    fireEvent.change(screen.getByTestId('ledger-outcome'), { target: { value: 'failed' } })
    fireEvent.click(within(screen.getByTestId('ledger-kinds')).getByLabelText('deployment'))
    fireEvent.click(within(screen.getByTestId('ledger-kinds')).getByLabelText('lock break'))
    await flush()
    expect(client.callsOf('ledger.list').at(-1)).toEqual({
      environment: 'staging',
      ticket: 'ORD-142',
      person: 'ana',
      outcome: 'failed',
      kind: ['deployment', 'lock-break']
    })
    expect(screen.getByTestId('ledger-count').textContent).toBe('3 entries match the filters')
    fireEvent.click(screen.getByRole('button', { name: 'Clear filters' }))
    await flush()
    expect(client.callsOf('ledger.list').at(-1)).toEqual({})
  })

  it('follows ledger.changed live and says when an append failed', async () => {
    let answer = RECORDS.slice(1)
    const client = createFakeClient({ 'ledger.list': () => answer })
    const stores = setup(client)
    act(() => stores.ledger.getState().showView())
    await flush()
    expect(screen.getAllByTestId('ledger-row')).toHaveLength(2)
    answer = RECORDS
    const { connectSubscriptions } = await import('../stores/subscriptions')
    const off = connectSubscriptions(stores, client)
    act(() =>
      client.emit({
        event: 'ledger.changed',
        payload: { kind: 'appended', summary: 'approval of 20261202.2300-abc1234' }
      })
    )
    await flush()
    expect(screen.getAllByTestId('ledger-row')).toHaveLength(3)
    act(() =>
      client.emit({
        event: 'ledger.changed',
        payload: { kind: 'append-failed', message: 'the ledger ref is locked' }
      })
    )
    await flush()
    expect(screen.getByRole('alert').textContent).toContain(
      'An entry could not be written to the ledger: the ledger ref is locked'
    )
    off()
  })

  it('shows what Verify found in words: the verdict, each problem, unread hosts', async () => {
    const reports = [
      report({
        ok: true,
        hosts: {
          checked: 1,
          unreadable: [],
          unrecorded: [{ environment: 'staging', deployment: 'd-0' }]
        }
      }),
      report({
        ok: false,
        remembered: false,
        previous: { tip: 'a'.repeat(40), at: '2026-12-02T22:00:00.000Z' },
        findings: [
          {
            kind: 'entry-disappeared',
            position: 2,
            id: '2'.repeat(16),
            summary: 'deployment of r1 to staging failed (ana@laptop, d-1)'
          },
          {
            kind: 'host-mismatch',
            position: 4,
            environment: 'production',
            deployment: 'd-9',
            reason: 'production-2 never logged it as finished'
          }
        ],
        hosts: {
          checked: 2,
          unreadable: [{ environment: 'production', host: 'production-1', error: 'timed out' }],
          unrecorded: []
        }
      })
    ]
    const client = createFakeClient({
      'ledger.list': () => RECORDS,
      'ledger.verify': () => reports.shift() ?? report()
    })
    setup(client)
    fireEvent.click(screen.getByTestId('open-ledger'))
    await flush()
    fireEvent.click(screen.getByTestId('ledger-verify'))
    await flush()
    const ok = screen.getByTestId('ledger-verify-result')
    expect(ok.getAttribute('data-ok')).toBe('true')
    expect(ok.textContent).toContain(
      "Verified: 3 entries in an unbroken chain, 1 deployment confirmed by the hosts' own logs."
    )
    expect(ok.textContent).toContain("1 deployment in the hosts' logs is not in the ledger")
    fireEvent.click(screen.getByTestId('ledger-verify'))
    await flush()
    const bad = screen.getByTestId('ledger-verify-result')
    expect(bad.getAttribute('data-ok')).toBe('false')
    expect(bad.getAttribute('role')).toBe('alert')
    expect(bad.textContent).toContain('Verification failed: 2 problems found in 3 entries.')
    expect(bad.textContent).toContain(
      'Entry #2 disappeared: deployment of r1 to staging failed (ana@laptop, d-1)'
    )
    expect(bad.textContent).toContain(
      'Entry #4: the hosts of production do not confirm d-9: production-2 never logged it as finished'
    )
    expect(bad.textContent).toContain('production-1 (production) could not be read')
    expect(bad.textContent).toContain('--accept')
  })

  it('exports the filtered ledger as a file to save, and says what it saved', async () => {
    const created: Blob[] = []
    vi.stubGlobal('URL', {
      ...URL,
      createObjectURL: (b: Blob) => {
        created.push(b)
        return 'blob:ledger'
      },
      revokeObjectURL: () => undefined
    })
    const clicked: { download: string; href: string }[] = []
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
      this: HTMLAnchorElement
    ) {
      clicked.push({ download: this.download, href: this.getAttribute('href') ?? '' })
    })
    const client = createFakeClient({
      'ledger.list': () => RECORDS,
      'ledger.export': ({ format = 'json' }) => ({
        format,
        text: format === 'csv' ? 'position,kind\n1,release\n' : '[{"position":1}]',
        entries: 1
      })
    })
    setup(client)
    fireEvent.click(screen.getByTestId('open-ledger'))
    await flush()
    fireEvent.change(screen.getByTestId('ledger-ticket'), { target: { value: 'ORD-142' } })
    fireEvent.click(screen.getByTestId('ledger-export-csv'))
    await flush()
    expect(client.callsOf('ledger.export')).toEqual([{ ticket: 'ORD-142', format: 'csv' }])
    expect(clicked).toHaveLength(1)
    expect(clicked[0]?.download).toMatch(/^slipway-ledger-\d{4}-\d{2}-\d{2}-\d{4}\.csv$/)
    expect(clicked[0]?.href).toBe('blob:ledger')
    expect(await textOf(created[0])).toBe('position,kind\n1,release\n')
    expect(created[0]?.type).toBe('text/csv;charset=utf-8')
    expect(screen.getByTestId('ledger-exported').textContent).toMatch(
      /^Saved 1 entry as slipway-ledger-.*\.csv\.$/
    )
    fireEvent.click(screen.getByTestId('ledger-export-json'))
    await flush()
    expect(clicked[1]?.download).toMatch(/\.json$/)
    expect(await textOf(created[1])).toBe('[{"position":1}]')
    click.mockRestore()
  })

  it('Escape closes the view and gives the focus back to the header button', async () => {
    const client = createFakeClient({ 'ledger.list': () => [] })
    setup(client)
    const button = screen.getByTestId('open-ledger')
    button.focus()
    fireEvent.click(button)
    await flush()
    expect(screen.getByTestId('ledger-empty').textContent).toContain('The ledger is empty')
    expect(screen.getByTestId('ledger-view').contains(document.activeElement)).toBe(true)
    fireEvent.keyDown(document, { key: 'Escape' })
    expect(screen.queryByTestId('ledger-view')).toBeNull()
    expect(document.activeElement).toBe(button)
  })
})
