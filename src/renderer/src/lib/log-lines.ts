/**
 * The loaded part of a run's log as lines: bytes [startByte, endByte) of the stored log. When
 * `startByte > 0` the first line may be the tail of a longer line that an earlier window
 * completes; the last line is always open (the next chunk may continue it).
 */
export interface LogLines {
  readonly lines: readonly string[]
  readonly startByte: number
  readonly endByte: number
}

const encoder = new TextEncoder()

/** UTF-8 size of `text` in bytes (the unit of the stored log and of `tests.log`). */
export function byteLength(text: string): number {
  return encoder.encode(text).length
}

/** The log window [startByte, endByte) holding `text`. */
export function linesOf(text: string, startByte: number, endByte: number): LogLines {
  return { lines: text.split('\n'), startByte, endByte }
}

/** `log` with `text` (the bytes right after it) appended; the open last line is continued. */
export function appendText(log: LogLines, text: string, bytes = byteLength(text)): LogLines {
  if (text === '') return log
  const parts = text.split('\n')
  const lines = log.lines.slice()
  const last = lines.pop() ?? ''
  lines.push(last + parts[0], ...parts.slice(1))
  return { lines, startByte: log.startByte, endByte: log.endByte + bytes }
}

/** `log` with `text` (the bytes right before it, starting at `startByte`) prepended. */
export function prependText(log: LogLines, text: string, startByte: number): LogLines {
  const parts = text.split('\n')
  const first = log.lines[0] ?? ''
  const joined = parts.slice(0, -1)
  joined.push((parts[parts.length - 1] ?? '') + first)
  return {
    lines: [...joined, ...log.lines.slice(1)],
    startByte,
    endByte: log.endByte
  }
}
