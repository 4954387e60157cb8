import type { LogHit, LogQuery, LogSearchResult } from '../../../shared'
import { describeError } from '../api/client'
import { appendText, linesOf, prependText, type LogLines } from '../lib/log-lines'
import type { UiError } from './workspace-store'

/** The part of a stored log a viewer holds, and where it sits in the whole log. */
export interface LogWindow extends LogLines {
  /** The run's (or environment's) id. */
  readonly runId: string
  readonly totalBytes: number
  readonly loading: boolean
  readonly error: UiError | null
  /** The number (0-based) of `lines[0]` in the whole log; null while unknown (a tail window). */
  readonly firstLine: number | null
  /**
   * True while the window ends before the log does (the user jumped to an earlier line): live
   * output is counted, not shown, until reading on reaches the end or the viewer follows it.
   */
  readonly detached: boolean
}

/** How a log is read: windows of its bytes, and a search over all of it. */
export interface LogReader {
  read(id: string, offset: number, length: number): Promise<{ text: string; totalBytes: number }>
  search(id: string, query: LogQuery): Promise<LogSearchResult>
}

/** One live piece of a log: bytes `[offset, offset + bytes)` of the stored log of `id`. */
export interface LiveLogChunk {
  readonly id: string
  readonly chunk: string
  readonly offset: number
  readonly bytes: number
}

/** What a store does with the log it shows (the viewer calls these through the store). */
export interface LogWindowActions {
  /** Reads the end of the log of `id` (the viewer follows it from there). */
  open(id: string): Promise<void>
  close(): void
  /** Live output arrived. */
  chunk(chunk: LiveLogChunk): void
  /** The log of `id` is `totalBytes` long now; `settled` once nothing more is written. */
  sized(id: string, totalBytes: number, settled: boolean): void
  /** Reads the window before what is loaded (scrolled to the top). */
  loadEarlier(): Promise<void>
  /** Reads the window after what is loaded (scrolled to the bottom of a detached window). */
  loadLater(): Promise<void>
  /** Makes sure the line of `hit` is loaded (reads a window there when it is not). */
  jumpTo(hit: LogHit): Promise<void>
  /** Back to the end of the log, live again. */
  followEnd(): Promise<void>
  search(query: LogQuery): Promise<LogSearchResult>
  /** The whole log as text, read in windows (refused beyond {@link MAX_WHOLE_LOG_BYTES}). */
  readAll(): Promise<string>
}

/** Bytes of context read before a line the viewer jumps to. */
export const JUMP_CONTEXT_BYTES = 16 * 1024
/** The largest log Copy and Download read into memory. */
export const MAX_WHOLE_LOG_BYTES = 64 * 1024 * 1024
// Bytes per read of the whole log (the contracts allow 1 MiB).
const READ_ALL_BYTES = 1024 * 1024

/** True when the line of `hit` is wholly in `log` (a cut first or open last line is not). */
export function holdsLine(log: LogWindow, hit: LogHit): boolean {
  if (log.firstLine === null) return false
  const row = hit.line - log.firstLine
  const first = log.startByte > 0 ? 1 : 0
  const last = log.lines.length - (log.detached ? 2 : 1)
  return row >= first && row <= last
}

/**
 * The window over one stored log that the tests and branch-environment stores share: the
 * tail at open, live chunks placed by byte offset, earlier and later windows on scroll, a
 * jump to any line of the whole log, and back to the live end.
 */
export function createLogWindow(
  reader: LogReader,
  get: () => LogWindow | null,
  set: (log: LogWindow | null) => void,
  windowBytes: number
): LogWindowActions {
  // Bumped whenever the window is replaced: an older read's answer is dropped.
  let seq = 0
  // Chunks that arrived while a read was under way (the read decides which bytes they add).
  let early: LiveLogChunk[] = []

  const failed = (at: number, err: unknown): void => {
    const now = get()
    if (at === seq && now) set({ ...now, loading: false, error: describeError(err) })
  }
  const settle = (): void => {
    for (const chunk of early.splice(0)) place(chunk)
  }

  // Adds the part of a chunk after what is loaded; a gap (chunks lost while the event stream
  // was down) is read from the stored log instead.
  function place(chunk: LiveLogChunk): void {
    const log = get()
    if (!log || log.runId !== chunk.id) return
    const end = chunk.offset + chunk.bytes
    if (end <= log.endByte) return
    const totalBytes = Math.max(log.totalBytes, end)
    const overlap = log.endByte - chunk.offset
    const encoded = overlap > 0 ? new TextEncoder().encode(chunk.chunk) : null
    if (log.detached || overlap < 0 || (encoded && encoded.length !== chunk.bytes)) {
      set({ ...log, totalBytes })
      if (!log.detached) void catchUp(chunk.id)
      return
    }
    const text = encoded ? new TextDecoder().decode(encoded.subarray(overlap)) : chunk.chunk
    const grown = appendText(log, text, chunk.bytes - Math.max(0, overlap))
    set({ ...log, ...grown, totalBytes: Math.max(totalBytes, grown.endByte) })
  }

  async function catchUp(id: string): Promise<void> {
    const at = seq
    const log = get()
    if (!log || log.runId !== id || log.loading) return
    try {
      const length = Math.min(windowBytes * 4, Math.max(1, log.totalBytes - log.endByte))
      const rest = await reader.read(id, log.endByte, length)
      const now = get()
      if (at !== seq || !now || now.endByte !== log.endByte) return
      const read = Math.max(0, Math.min(length, rest.totalBytes - log.endByte))
      const grown = appendText(now, rest.text, read)
      set({ ...now, ...grown, totalBytes: Math.max(rest.totalBytes, grown.endByte) })
    } catch {
      // The log stays as it is; reopening it reads it again.
    }
  }

  async function readTail(id: string, at: number): Promise<void> {
    const probe = await reader.read(id, 0, 1)
    const start = Math.max(0, probe.totalBytes - windowBytes)
    const tail =
      probe.totalBytes === 0
        ? { text: '', totalBytes: 0 }
        : await reader.read(id, start, windowBytes)
    if (at !== seq) return
    // Byte offsets from the request, not from the decoded text: a window may cut a multi-byte
    // character, which decodes to a replacement of another size.
    const end = Math.min(start + windowBytes, tail.totalBytes)
    set({
      runId: id,
      ...linesOf(tail.text, start, end),
      totalBytes: Math.max(tail.totalBytes, end),
      loading: false,
      error: null,
      firstLine: start === 0 ? 0 : null,
      detached: false
    })
    settle()
  }

  return {
    async open(id) {
      const at = ++seq
      early = []
      set({
        runId: id,
        lines: [],
        startByte: 0,
        endByte: 0,
        totalBytes: 0,
        loading: true,
        error: null,
        firstLine: 0,
        detached: false
      })
      try {
        await readTail(id, at)
      } catch (err) {
        failed(at, err)
      }
    },

    close() {
      seq++
      early = []
      set(null)
    },

    chunk(chunk) {
      const log = get()
      if (!log || log.runId !== chunk.id) return
      if (log.loading) early.push(chunk)
      else place(chunk)
    },

    sized(id, totalBytes, settled) {
      const log = get()
      if (!log || log.runId !== id || log.loading) return
      if (totalBytes > log.totalBytes) set({ ...log, totalBytes })
      if (settled && !log.detached && log.endByte < totalBytes) void catchUp(id)
    },

    async loadEarlier() {
      const log = get()
      if (!log || log.loading || log.startByte === 0) return
      const at = seq
      const offset = Math.max(0, log.startByte - windowBytes)
      set({ ...log, loading: true })
      try {
        const window = await reader.read(log.runId, offset, log.startByte - offset)
        const now = get()
        if (at !== seq || !now) return
        const next = prependText(now, window.text, offset)
        const added = next.lines.length - now.lines.length
        const firstLine = offset === 0 ? 0 : now.firstLine === null ? null : now.firstLine - added
        set({ ...now, ...next, firstLine, loading: false })
        settle()
      } catch (err) {
        failed(at, err)
      }
    },

    async loadLater() {
      const log = get()
      if (!log || log.loading || !log.detached) return
      const at = seq
      set({ ...log, loading: true })
      try {
        const rest = await reader.read(log.runId, log.endByte, windowBytes)
        const now = get()
        if (at !== seq || !now) return
        const end = Math.min(log.endByte + windowBytes, rest.totalBytes)
        const grown = appendText(now, rest.text, end - log.endByte)
        const totalBytes = Math.max(rest.totalBytes, grown.endByte)
        set({ ...now, ...grown, totalBytes, loading: false, detached: grown.endByte < totalBytes })
        settle()
      } catch (err) {
        failed(at, err)
      }
    },

    async jumpTo(hit) {
      const log = get()
      if (!log) return
      // A read under way (for an earlier hit) is dropped: this hit is the one to show.
      const at = ++seq
      if (holdsLine(log, hit)) {
        if (log.loading) set({ ...log, loading: false })
        settle()
        return
      }
      const id = log.runId
      set({ ...log, loading: true })
      try {
        // Context before the line read apart from the line on: the newlines in it say which
        // line the window starts with (a newline is one byte, whatever the encoding cut).
        const before = Math.min(hit.offset, JUMP_CONTEXT_BYTES)
        const [pre, rest] = await Promise.all([
          before > 0 ? reader.read(id, hit.offset - before, before) : null,
          reader.read(id, hit.offset, windowBytes)
        ])
        if (at !== seq) return
        const preText = pre?.text ?? ''
        const end = Math.min(hit.offset + windowBytes, rest.totalBytes)
        const totalBytes = Math.max(rest.totalBytes, end)
        set({
          runId: id,
          ...linesOf(preText + rest.text, hit.offset - before, end),
          totalBytes,
          loading: false,
          error: null,
          firstLine: hit.line - (preText.split('\n').length - 1),
          detached: end < totalBytes
        })
        settle()
      } catch (err) {
        failed(at, err)
      }
    },

    async followEnd() {
      const log = get()
      if (!log || !log.detached) return
      const at = ++seq
      set({ ...log, loading: true })
      try {
        await readTail(log.runId, at)
      } catch (err) {
        failed(at, err)
      }
    },

    async search(query) {
      const log = get()
      if (!log) throw new Error('No log is open.')
      return reader.search(log.runId, query)
    },

    async readAll() {
      const log = get()
      if (!log) throw new Error('No log is open.')
      const id = log.runId
      const parts: string[] = []
      let offset = 0
      let total = log.totalBytes
      do {
        if (total > MAX_WHOLE_LOG_BYTES) {
          const mib = Math.round(total / (1024 * 1024))
          throw new Error(`This log is ${mib} MiB; Copy and Download read at most 64 MiB.`)
        }
        const { text, totalBytes } = await reader.read(id, offset, READ_ALL_BYTES)
        total = totalBytes
        // End each read after its last newline, so no character is cut between two reads;
        // when that part decoded cleanly its UTF-8 size is exactly the bytes it came from.
        const lines = text.slice(0, text.lastIndexOf('\n') + 1)
        const whole = lines !== '' && offset + READ_ALL_BYTES < total && !lines.includes('\uFFFD')
        parts.push(whole ? lines : text)
        offset += whole ? new TextEncoder().encode(lines).length : READ_ALL_BYTES
      } while (offset < total)
      return parts.join('')
    }
  }
}
