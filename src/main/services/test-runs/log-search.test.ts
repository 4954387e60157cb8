import { appendFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MAX_LOG_HITS } from '../../../shared/log-search'
import { removeDir, tempDir } from '../../testing/temp-dir'
import { readLogSlice } from './run-log'
import { searchLogFile } from './log-search'

let dir: string
beforeAll(async () => {
  dir = await tempDir('slipway-log-search-')
})
afterAll(async () => {
  await removeDir(dir)
})

describe('searchLogFile', () => {
  it('searches the whole stored log, beyond any window, with line numbers and line offsets', async () => {
    // ~6 MB: six times the 1 MiB chunk it reads at a time, so lines cross chunk edges.
    const path = join(dir, 'big.log')
    const lines: string[] = []
    for (let i = 0; i < 120_000; i++) {
      lines.push(
        i % 30_000 === 29_999 ? `\x1b[31mFAIL\x1b[0m orders › total ${i}` : `ok ${i} — über`
      )
    }
    writeFileSync(path, lines.join('\n'))
    const result = await searchLogFile(path, { kind: 'text', text: 'fail orders' })
    expect(result.total).toBe(4)
    expect(result.hits.map((h) => h.line)).toEqual([29_999, 59_999, 89_999, 119_999])
    expect(result.totalBytes).toBe(Buffer.byteLength(lines.join('\n')))
    expect(result.searchedBytes).toBe(result.totalBytes)
    // Each offset is where its line starts: reading there gives the line (escape codes and all).
    for (const hit of result.hits) {
      const { text } = await readLogSlice(path, hit.offset, 40)
      expect(text.startsWith(lines[hit.line]!.slice(0, 10))).toBe(true)
      expect(hit).toMatchObject({ column: 0, length: 'fail orders'.length })
      expect(hit.preview).toBe(`FAIL orders › total ${hit.line}`)
    }
    // The last line has no newline after it and is searched too; case counts when asked.
    expect((await searchLogFile(path, { kind: 'text', text: 'total 119999' })).total).toBe(1)
    const exact = await searchLogFile(path, { kind: 'text', text: 'fail', caseSensitive: true })
    expect(exact.total).toBe(0)
  })

  it('keeps the first hits and counts them all; a missing log has none', async () => {
    const path = join(dir, 'many.log')
    writeFileSync(path, 'x\n'.repeat(MAX_LOG_HITS + 500))
    const result = await searchLogFile(path, { kind: 'text', text: 'x' })
    expect(result.hits).toHaveLength(MAX_LOG_HITS)
    expect(result.total).toBe(MAX_LOG_HITS + 500)
    expect(result.hits[MAX_LOG_HITS - 1]).toMatchObject({
      line: MAX_LOG_HITS - 1,
      offset: 2 * (MAX_LOG_HITS - 1)
    })
    expect(await searchLogFile(join(dir, 'none.log'), { kind: 'text', text: 'x' })).toEqual({
      hits: [],
      total: 0,
      searchedBytes: 0,
      totalBytes: 0
    })
  })

  it('finds failing lines in the words of common runners, not their summaries', async () => {
    const path = join(dir, 'runners.log')
    const log = [
      '\x1b[2m[slipway] running npm test\x1b[0m',
      'TAP version 13',
      'ok 1 - adds',
      '# fail 0',
      'not ok 2 - refunds the total',
      '  AssertionError [ERR_ASSERTION]: 3 !== 4',
      ' FAIL  src/orders.test.ts > totals',
      '--- FAIL: TestRefund (0.00s)',
      'npm ERR! code ELIFECYCLE',
      'progress 10%\rprogress 100% ERROR'
    ]
    writeFileSync(path, log.join('\n') + '\n')
    const result = await searchLogFile(path, { kind: 'failures' })
    expect(result.hits.map((h) => h.line)).toEqual([4, 5, 6, 7, 8, 9])
    expect(result.hits[0]).toMatchObject({ column: 0, preview: 'not ok 2 - refunds the total' })
    // A carriage return overwrites the line as on a terminal: the hit is in what is shown.
    expect(result.hits[5]?.preview).toBe('progress 100% ERROR')
    // A growing log: what was appended since is searched by the next search.
    appendFileSync(path, 'TypeError: x is not a function\n')
    expect((await searchLogFile(path, { kind: 'failures' })).total).toBe(7)
  })

  it('searches at most maxBytes and says how much it searched', async () => {
    const path = join(dir, 'capped.log')
    writeFileSync(path, 'needle\n'.repeat(100))
    const result = await searchLogFile(path, { kind: 'text', text: 'needle' }, 70)
    expect(result).toMatchObject({ total: 10, searchedBytes: 70, totalBytes: 700 })
  })
})
