import { readFileSync } from 'node:fs'
import { afterAll, describe, expect, it } from 'vitest'
import { removeDir, tempDir } from '../../testing/temp-dir'
import { RunLog, type LogChunk } from './run-log'

const dirs: string[] = []
afterAll(async () => {
  for (const d of dirs) await removeDir(d)
})

describe('RunLog', () => {
  it('hands on contiguous chunks with their byte offsets, each once its bytes are in the file', async () => {
    const dir = await tempDir('slipway-run-log-')
    dirs.push(dir)
    const path = `${dir}/run.log`
    const chunks: LogChunk[] = []
    const onDisk: number[] = []
    const log = new RunLog(path, (chunk) => {
      chunks.push(chunk)
      onDisk.push(readFileSync(path).length)
    })
    const check = Buffer.from('✓', 'utf8')
    log.note('checking out')
    log.write(Buffer.from('first line\nhalf a tick: '))
    // A character cut across two writes is never cut across two chunks.
    log.write(check.subarray(0, 1))
    await new Promise((r) => setTimeout(r, 250))
    log.write(check.subarray(1))
    log.write(Buffer.from(' done\n'))
    await log.close()

    const file = readFileSync(path)
    expect(chunks.length).toBeGreaterThanOrEqual(2)
    let offset = 0
    for (const [i, chunk] of chunks.entries()) {
      expect(chunk.offset).toBe(offset)
      expect(file.subarray(chunk.offset, chunk.offset + chunk.bytes).toString('utf8')).toBe(
        chunk.text
      )
      expect(onDisk[i]).toBeGreaterThanOrEqual(chunk.offset + chunk.bytes)
      offset += chunk.bytes
    }
    expect(offset).toBe(file.length)
    expect(chunks.map((c) => c.text).join('')).toBe(file.toString('utf8'))
    expect(log.size).toBe(file.length)
  })
})
