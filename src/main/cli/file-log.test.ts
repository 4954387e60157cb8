import { readFile } from 'node:fs/promises'
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
