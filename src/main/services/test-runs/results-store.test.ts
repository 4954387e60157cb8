import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { TestRun } from '../../../shared/test-models'
import { ResultsStore } from './results-store'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
  vi.restoreAllMocks()
})

function storePath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'slipway-results-'))
  dirs.push(dir)
  return join(dir, 'test-results.jsonl')
}

function run(id: string, status: TestRun['status']): TestRun {
  return {
    id,
    kind: 'tip',
    sha: 'a'.repeat(40),
    mainSha: null,
    branch: 'main',
    status,
    reason: 'startup',
    queuedAt: '2026-01-01T00:00:00.000Z',
    startedAt: null,
    finishedAt: null,
    durationMs: null,
    exitCode: null,
    summary: status,
    conflicts: [],
    failedTests: [],
    logBytes: 0
  }
}

describe('ResultsStore', () => {
  it('keeps the last record of each run, in the order runs were created', async () => {
    const store = new ResultsStore(storePath())
    expect(await store.load()).toEqual({
      runs: [],
      records: 0,
      badLines: 0,
      truncatedTornLine: false
    })
    await store.append(run('a', 'queued'))
    await store.append(run('b', 'queued'))
    await store.append(run('a', 'passed'))
    const loaded = await new ResultsStore(store.path).load()
    expect(loaded.runs.map((r) => [r.id, r.status])).toEqual([
      ['a', 'passed'],
      ['b', 'queued']
    ])
    expect(loaded.records).toBe(3)
  })

  it('cuts off a torn last line so the next record starts on its own line', async () => {
    const path = storePath()
    writeFileSync(path, `${JSON.stringify(run('a', 'passed'))}\n`)
    appendFileSync(path, JSON.stringify(run('b', 'failed')).slice(0, 50))
    const store = new ResultsStore(path)
    const loaded = await store.load()
    expect(loaded).toMatchObject({ badLines: 1, truncatedTornLine: true })
    expect(loaded.runs.map((r) => r.id)).toEqual(['a'])
    await store.append(run('c', 'passed'))
    const again = await new ResultsStore(path).load()
    expect(again).toMatchObject({ badLines: 0, truncatedTornLine: false })
    expect(again.runs.map((r) => r.id)).toEqual(['a', 'c'])
  })

  it('skips a bad line in the middle and compacts to one line per run', async () => {
    const path = storePath()
    writeFileSync(
      path,
      [
        JSON.stringify(run('a', 'queued')),
        '{"not":"a run"}',
        JSON.stringify(run('a', 'passed')),
        ''
      ].join('\n')
    )
    const store = new ResultsStore(path)
    const loaded = await store.load()
    expect(loaded).toMatchObject({ badLines: 1, truncatedTornLine: false, records: 2 })
    await store.compact(loaded.runs)
    expect(readFileSync(path, 'utf8')).toBe(`${JSON.stringify(run('a', 'passed'))}\n`)
  })
})
