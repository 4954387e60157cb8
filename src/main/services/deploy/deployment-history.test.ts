import { describe, expect, it } from 'vitest'
import { mergeHostLogs } from './deployment-history'
import type { HostLogEntry } from './host-log'

const base = { environment: 'prod', by: 'ana@laptop', machine: 'laptop', kind: 'deploy' } as const

function at(minute: number): string {
  return `2026-12-02T10:${String(minute).padStart(2, '0')}:00.000Z`
}

describe('mergeHostLogs', () => {
  it('merges each deployment across hosts, newest first, with the worst outcome', () => {
    const web1: HostLogEntry[] = [
      { ...base, at: at(1), event: 'started', deployment: 'd-1', release: 'r1', from: null },
      { ...base, at: at(3), event: 'finished', deployment: 'd-1', release: 'r1', from: null },
      { ...base, at: at(10), event: 'started', deployment: 'd-2', release: 'r2', from: 'r1' },
      { ...base, at: at(12), event: 'finished', deployment: 'd-2', release: 'r2', from: 'r1' },
      { ...base, at: at(20), event: 'started', deployment: 'd-3', release: 'r3', from: 'r2' }
    ]
    const web2: HostLogEntry[] = [
      { ...base, at: at(2), event: 'started', deployment: 'd-1', release: 'r1', from: null },
      { ...base, at: at(4), event: 'finished', deployment: 'd-1', release: 'r1', from: null },
      { ...base, at: at(11), event: 'started', deployment: 'd-2', release: 'r2', from: 'r1' },
      {
        ...base,
        at: at(13),
        event: 'failed',
        deployment: 'd-2',
        release: 'r2',
        from: 'r1',
        detail: 'health check'
      },
      // Another environment's record on the same host is not this one's.
      { ...base, environment: 'staging', at: at(30), event: 'started', deployment: 'd-9' }
    ]
    const records = mergeHostLogs('prod', [
      { host: 'web1', entries: web1 },
      { host: 'web2', entries: web2 }
    ])
    expect(records.map((r) => [r.id, r.outcome, r.startedAt, r.finishedAt])).toEqual([
      ['d-3', 'unfinished', at(20), null],
      ['d-2', 'failed', at(10), at(13)],
      ['d-1', 'finished', at(1), at(4)]
    ])
    expect(records[1]).toMatchObject({
      kind: 'deploy',
      release: 'r2',
      from: 'r1',
      by: 'ana@laptop',
      hosts: [
        { host: 'web1', last: 'finished', detail: null },
        { host: 'web2', last: 'failed', detail: 'health check' }
      ]
    })
  })

  it('reads a cancelled rollback and ignores broken-lock notes', () => {
    const entries: HostLogEntry[] = [
      { ...base, kind: 'rollback', at: at(1), event: 'started', deployment: 'd-5', release: 'r1' },
      {
        ...base,
        kind: 'rollback',
        at: at(2),
        event: 'cancelled',
        deployment: 'd-5',
        release: 'r1'
      },
      { ...base, at: at(3), event: 'lock-broken', deployment: 'd-6' }
    ]
    expect(mergeHostLogs('prod', [{ host: 'web1', entries }])).toMatchObject([
      { id: 'd-5', kind: 'rollback', outcome: 'cancelled', finishedAt: at(2) }
    ])
  })
})
