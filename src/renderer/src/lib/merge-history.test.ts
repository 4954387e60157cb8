import { describe, expect, it } from 'vitest'
import type { DeploymentRecord } from '../../../shared/deploy-models'
import type { LedgerRecord } from '../../../shared/ledger-models'
import { ledgerMovements, mergeHistory } from './merge-history'

function hostRecord(id: string, startedAt: string, outcome: DeploymentRecord['outcome']) {
  return {
    id,
    kind: 'deploy',
    environment: 'staging',
    release: `r-${id}`,
    from: null,
    by: 'ana@laptop',
    machine: 'laptop',
    reason: null,
    startedAt,
    finishedAt: outcome === 'unfinished' ? null : startedAt,
    outcome,
    hosts: [{ host: 'staging-1', last: outcome, detail: null }]
  } satisfies DeploymentRecord
}

let position = 0
function movement(
  id: string,
  at: string,
  phase: 'started' | 'finished',
  outcome: 'succeeded' | 'failed' | null = null
): LedgerRecord {
  position++
  return {
    position,
    commit: 'c'.repeat(40),
    author: { name: 'Ana Ruiz', email: 'ana@orders.example' },
    entry: {
      id: position.toString(16).padStart(16, '0'),
      at,
      by: 'ana@laptop',
      environment: 'staging',
      tickets: [],
      kind: 'deployment',
      deployment: id,
      release: `r-${id}`,
      phase,
      outcome: phase === 'finished' ? outcome : null,
      hosts: ['staging-1'],
      reason: phase === 'started' ? 'weekly' : null,
      summary: phase === 'finished' ? `ended ${outcome}` : 'started by ana@laptop'
    }
  }
}

const T = (minute: number): string => `2026-12-02T23:${String(minute).padStart(2, '0')}:00.000Z`

describe('merging the hosts’ logs with the ledger', () => {
  it('folds a start and an end into one movement, in ledger order whatever the list order', () => {
    position = 0
    const start = movement('d1', T(1), 'started')
    const end = movement('d1', T(2), 'finished', 'succeeded')
    const [m] = ledgerMovements([end, start])
    expect(m).toMatchObject({
      id: 'd1',
      startedAt: T(1),
      finishedAt: T(2),
      outcome: 'succeeded',
      reason: 'weekly',
      summary: 'ended succeeded',
      positions: [1, 2]
    })
  })

  it('marks what only one side has, keeps both, and says where they disagree', () => {
    position = 0
    const ledger = ledgerMovements([
      movement('both-ok', T(1), 'started'),
      movement('both-ok', T(2), 'finished', 'succeeded'),
      movement('ledger-only', T(5), 'started'),
      movement('ledger-only', T(6), 'finished', 'succeeded'),
      movement('disagree', T(7), 'started'),
      movement('disagree', T(8), 'finished', 'succeeded'),
      movement('no-end', T(9), 'started')
    ])
    const rows = mergeHistory(
      [
        hostRecord('no-end', T(9), 'failed'),
        hostRecord('disagree', T(7), 'failed'),
        hostRecord('hosts-only', T(3), 'finished'),
        hostRecord('both-ok', T(1), 'finished')
      ],
      ledger,
      { hosts: true, ledger: true }
    )
    expect(rows.map((r) => [r.id, r.source])).toEqual([
      ['no-end', 'both'],
      ['disagree', 'both'],
      ['ledger-only', 'ledger-only'],
      ['hosts-only', 'hosts-only'],
      ['both-ok', 'both']
    ])
    expect(rows[0]?.disagreement).toBe(
      "The ledger records its start but not its end; the hosts' logs say failed."
    )
    expect(rows[1]?.disagreement).toBe("The ledger says succeeded; the hosts' logs say failed.")
    expect(rows[4]?.disagreement).toBeNull()
    expect(rows[2]?.record).toBeNull()
    expect(rows[2]?.ledger?.release).toBe('r-ledger-only')
  })

  it('does not judge what lies beyond a side that was read only in part', () => {
    position = 0
    const ledger = ledgerMovements([
      movement('old-ledger', T(1), 'started'),
      movement('new', T(10), 'started'),
      movement('new', T(11), 'finished', 'succeeded')
    ])
    // The hosts' logs were cut at their limit: the oldest shown starts at minute 5.
    const cut = mergeHistory(
      [hostRecord('new', T(10), 'finished'), hostRecord('h5', T(5), 'finished')],
      ledger,
      {
        hosts: false,
        ledger: true
      }
    )
    expect(cut.map((r) => [r.id, r.source])).toEqual([
      ['new', 'both'],
      ['h5', 'hosts-only']
    ])
    // The ledger was cut: host records older than its oldest entry are not compared.
    const partLedger = mergeHistory(
      [hostRecord('new', T(10), 'finished'), hostRecord('h0', T(0), 'finished')],
      ledgerMovements([movement('new', T(10), 'started')]),
      { hosts: true, ledger: false }
    )
    expect(partLedger.map((r) => [r.id, r.source])).toEqual([
      ['new', 'both'],
      ['h0', 'not-compared']
    ])
    // The ledger could not be read at all: nothing is compared, nothing hidden.
    expect(
      mergeHistory([hostRecord('h0', T(0), 'finished')], null, { hosts: true, ledger: true }).map(
        (r) => r.source
      )
    ).toEqual(['not-compared'])
  })
})
