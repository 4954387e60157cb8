import { describe, expect, it } from 'vitest'
import { batches } from './activation'
import { parseLock } from './host-lock'
import type { HostSnapshot } from './host-read'
import { releasesToPrune } from './host-steps'
import { assertReleaseId, hostPaths, parseSections } from './remote'
import { chooseRollbackTarget } from './rollback-environment'

const A = '20261120.0900-aaaaaaa'
const B = '20261121.0900-bbbbbbb'
const C = '20261122.0900-ccccccc'
const D = '20261123.0900-ddddddd'

function snap(current: string | null, previous: string | null, releases: string[]): HostSnapshot {
  return {
    current,
    previous,
    releases,
    lockText: '',
    badReleases: [],
    freeBytes: null,
    releaseSha256: null,
    missingShared: [],
    missingTools: [],
    unwritable: [],
    freezeOverride: null
  }
}

describe('engine parts', () => {
  it('reads a lock as fresh or stale from its heartbeat; an unreadable lock is stale', () => {
    const now = Date.parse('2026-11-26T12:00:00Z')
    const text = (beat: string): string =>
      JSON.stringify({ holder: 'a@b', machine: 'b', reason: 'r', since: beat, heartbeatAt: beat })
    expect(parseLock(text('2026-11-26T11:59:00Z'), 120_000, now)).toMatchObject({
      holder: 'a@b',
      stale: false
    })
    expect(parseLock(text('2026-11-26T11:57:00Z'), 120_000, now)?.stale).toBe(true)
    expect(parseLock('{torn', 120_000, now)).toMatchObject({
      stale: true,
      holder: 'unknown (unreadable lock file)'
    })
    expect(parseLock('  \n', 120_000, now)).toBeNull()
  })

  it('prunes beyond keepReleases but never current, previous or protected ones', () => {
    expect(releasesToPrune([A, B, C, D], 2, [D, C])).toEqual([B, A])
    expect(releasesToPrune([A, B, C, D], 2, [D, A])).toEqual([B])
    expect(releasesToPrune([A, B], 5, [])).toEqual([])
  })

  it('chooses the rollback target: the shared previous, else the newest good release everywhere', () => {
    expect(chooseRollbackTarget([snap(C, B, [A, B, C]), snap(C, B, [A, B, C])], new Set())).toBe(B)
    expect(chooseRollbackTarget([snap(C, B, [A, B, C]), snap(C, B, [A, B, C])], new Set([B]))).toBe(
      A
    )
    // A deploy killed half-way: host 1 on D, host 2 still on C; back to C everywhere.
    expect(chooseRollbackTarget([snap(D, C, [B, C, D]), snap(C, B, [B, C, D])], new Set())).toBe(C)
    expect(chooseRollbackTarget([snap(A, null, [A])], new Set())).toBeNull()
  })

  it('quotes every layout path and accepts only real release ids', () => {
    const p = hostPaths("/srv/it's $(here)")
    expect(p.base).toBe(`'/srv/it'\\''s $(here)'`)
    expect(p.release(A)).toBe(`'/srv/it'\\''s $(here)/releases/${A}'`)
    for (const bad of ['', '../x', `${A};rm -rf /`, `-${A}`, `${A}\n`]) {
      expect(() => assertReleaseId(bad)).toThrow(/not a release id/)
    }
    expect(() => p.release('x')).toThrow()
  })

  it('splits marker sections and batches', () => {
    expect([...parseSections('junk\n@@a\n1\n2\n@@b\n\n@@end\n')]).toEqual([
      ['a', '1\n2'],
      ['b', ''],
      ['end', '']
    ])
    expect(batches([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]])
  })
})
