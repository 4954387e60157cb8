import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { removeDir, tempDir } from '../testing/temp-dir'
import { createFileLog } from './file-log'

describe('createFileLog', () => {
  let dir: string
  beforeEach(async () => {
    dir = await tempDir('slipway-log-')
  })
  afterEach(() => removeDir(dir))

  it('prints one line and keeps the stack in the log file', async () => {
    const lines: string[] = []
    const file = join(dir, 'nested', 'slipway.log')
    createFileLog(
      file,
      (t) => lines.push(t),
      false
    )('internal error in branches.list', new TypeError('boom'))
    expect(lines).toEqual([`slipway: internal error in branches.list: boom (details in ${file})\n`])
    const text = await readFile(file, 'utf8')
    expect(text).toContain('internal error in branches.list')
    expect(text).toMatch(/TypeError: boom\n\s+at /)
  })

  it('adds the stack on stderr only when debugging', () => {
    const lines: string[] = []
    createFileLog(join(dir, 'x.log'), (t) => lines.push(t), true)('bug', new Error('e'))
    expect(lines).toHaveLength(2)
    expect(lines[1]).toMatch(/^Error: e\n\s+at /)
  })
})

describe('createFileLog rotation', () => {
  let dir: string
  beforeEach(async () => {
    dir = await tempDir('slipway-log-rotate-')
  })
  afterEach(() => removeDir(dir))

  // Security review finding 4: unauthenticated clients could grow slipway.log without bound.
  it('rotates at the size cap and keeps a bounded number of files, all private', async () => {
    const file = join(dir, 'slipway.log')
    const log = createFileLog(file, () => undefined, false, { maxBytes: 2_000, keep: 3 })
    for (let i = 0; i < 400; i++) log(`entry ${i} ${'x'.repeat(100)}`)
    const names = (await readdir(dir)).sort()
    expect(names).toEqual(['slipway.log', 'slipway.log.1', 'slipway.log.2', 'slipway.log.3'])
    let total = 0
    for (const name of names) {
      const info = await stat(join(dir, name))
      expect(info.mode & 0o777).toBe(0o600)
      expect(info.size).toBeLessThan(2_000 + 200)
      total += info.size
    }
    expect(total).toBeLessThan(4 * 2_200)
    // The newest entry is in the live file, the file before it in .1.
    expect(await readFile(file, 'utf8')).toContain('entry 399 ')
  })

  it('cuts a single huge entry', async () => {
    const file = join(dir, 'slipway.log')
    createFileLog(file, () => undefined, false)('big', new Error('y'.repeat(200_000)))
    expect((await stat(file)).size).toBeLessThan(70_000)
  })
})
