import { describe, expect, it } from 'vitest'
import { searchLines, type LogQuery } from '../../../shared'
import { createLogWindow, holdsLine, type LogReader, type LogWindow } from './log-window'

const WINDOW = 1024

/** A stored log in memory, read as the backend reads the file: bytes, decoded per window. */
function storedLog(text: string): LogReader & {
  bytes: Uint8Array
  reads: [number, number][]
  append(more: string): void
} {
  const log = {
    bytes: new TextEncoder().encode(text),
    reads: [] as [number, number][],
    append(more: string) {
      const added = new TextEncoder().encode(more)
      const next = new Uint8Array(log.bytes.length + added.length)
      next.set(log.bytes)
      next.set(added, log.bytes.length)
      log.bytes = next
    },
    async read(_id: string, offset: number, length: number) {
      log.reads.push([offset, length])
      const slice = log.bytes.subarray(offset, offset + length)
      return { text: new TextDecoder().decode(slice), totalBytes: log.bytes.length }
    },
    async search(_id: string, query: LogQuery) {
      return searchLines(new TextDecoder().decode(log.bytes).split('\n'), query)
    }
  }
  return log
}

function windowOver(reader: LogReader) {
  let state: LogWindow | null = null
  const actions = createLogWindow(
    reader,
    () => state,
    (next) => {
      state = next
    },
    WINDOW
  )
  return { actions, get: () => state! }
}

// 2,000 numbered lines (~30 KB) with one failure far from the end, some of them not ASCII.
const LINES = Array.from({ length: 2000 }, (_, i) =>
  i === 150 ? 'not ok 151 - refunds · the total' : `ok ${i + 1} — étape ${i}`
)

describe('log window', () => {
  it('jumps to a hit far before the tail: the line is loaded, numbered, and live output waits', async () => {
    const reader = storedLog(LINES.join('\n') + '\n')
    const { actions, get } = windowOver(reader)
    await actions.open('r1')
    expect(get()).toMatchObject({ firstLine: null, detached: false })
    expect(get().lines).not.toContain(LINES[150])

    const [hit] = (await actions.search({ kind: 'failures' })).hits
    expect(hit).toMatchObject({ line: 150, column: 0 })
    await actions.jumpTo(hit!)
    const log = get()
    expect(log.lines[150 - log.firstLine!]).toBe(LINES[150])
    expect(log.lines[10]).toBe(LINES[log.firstLine! + 10])
    expect(log.startByte).toBe(hit!.offset - 16 * 1024 > 0 ? hit!.offset - 16 * 1024 : 0)
    expect(log.detached).toBe(true)
    expect(holdsLine(log, hit!)).toBe(true)

    // Live output while detached is counted, not appended after the window.
    const total = reader.bytes.length
    actions.chunk({ id: 'r1', chunk: 'later\n', offset: total, bytes: 6 })
    expect(get().totalBytes).toBe(total + 6)
    expect(get().lines).not.toContain('later')
    reader.append('later\n')

    // Reading on reaches the end: the window is whole up to there and live again.
    while (get().detached) await actions.loadLater()
    expect(get().lines.slice(-3)).toEqual([LINES[1999], 'later', ''])
    expect(get().lines[1999 - get().firstLine!]).toBe(LINES[1999])
    actions.chunk({ id: 'r1', chunk: 'live\n', offset: total + 6, bytes: 5 })
    expect(get().lines.slice(-2)).toEqual(['live', ''])
  })

  it('keeps line numbers when reading earlier windows, and follows the end again', async () => {
    const reader = storedLog(LINES.join('\n'))
    const { actions, get } = windowOver(reader)
    await actions.open('r1')
    const [hit] = (await actions.search({ kind: 'text', text: 'ÉTAPE 1500' })).hits
    await actions.jumpTo(hit!)
    const first = get().firstLine!
    while (get().startByte > 0) await actions.loadEarlier()
    expect(get().firstLine).toBe(0)
    expect(get().lines.slice(0, 2)).toEqual([LINES[0], LINES[1]])
    expect(get().lines[first]).toBe(LINES[first])

    // An in-window hit reads nothing.
    const reads = reader.reads.length
    await actions.jumpTo(hit!)
    expect(reader.reads.length).toBe(reads)

    await actions.followEnd()
    expect(get()).toMatchObject({ detached: false, endByte: reader.bytes.length, firstLine: null })
    expect(get().lines.at(-1)).toBe(LINES[1999])
  })

  it('shows the last hit asked for when hits are stepped through faster than windows arrive', async () => {
    const reader = storedLog(LINES.join('\n'))
    const { actions, get } = windowOver(reader)
    await actions.open('r1')
    const [far] = (await actions.search({ kind: 'text', text: 'étape 10' })).hits
    const [near] = (await actions.search({ kind: 'text', text: 'étape 1999' })).hits
    await actions.jumpTo(near!)
    // The far window is still being read when the user steps back to a line already shown.
    const reading = actions.jumpTo(far!)
    await actions.jumpTo(near!)
    await reading
    expect(holdsLine(get(), near!)).toBe(true)
    expect(get().loading).toBe(false)
  })

  it('reads the whole log for Copy and Download without cutting a character', async () => {
    // Lines of 49 four-byte characters (197 bytes with the newline): the 1 MiB edge of the
    // first read falls in the middle of one (1,048,576 = 5,322 × 197 + 142).
    const text = Array.from({ length: 15_000 }, () => '🚀'.repeat(49)).join('\n')
    const reader = storedLog(text)
    const { actions } = windowOver(reader)
    await actions.open('r1')
    expect(reader.bytes.length).toBeGreaterThan(2 * 1024 * 1024)
    expect(await actions.readAll()).toBe(text)
  })
})
