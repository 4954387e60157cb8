import { createWriteStream, type WriteStream } from 'node:fs'
import { open } from 'node:fs/promises'
import { PRIVATE_FILE } from '../private-files'

/** How often live log output is handed on at most (per run). */
export const LOG_FLUSH_MS = 100
/** The most a single {@link readLogSlice} answers. */
export const MAX_LOG_SLICE = 4 * 1024 * 1024

/** Live output handed on: `text` decodes the stored log's bytes `[offset, offset + bytes)`. */
export interface LogChunk {
  readonly text: string
  /** Byte offset of the chunk's first byte in the log file. */
  readonly offset: number
  /** How many bytes of the file the chunk holds (its UTF-8 text may differ on invalid input). */
  readonly bytes: number
}

/**
 * One run's log: every byte goes to the file on disk at once; the live view gets the text
 * coalesced to at most one chunk per {@link LOG_FLUSH_MS}, each with its byte offset in the
 * file and handed on only once its bytes are written, so a reader that loads the file and
 * then takes chunks can place each one exactly (no byte lost, none shown twice).
 */
export class RunLog {
  private readonly file: WriteStream
  private pending: Buffer[] = []
  private pendingBytes = 0
  /** Bytes already handed on (the offset of the first pending byte). */
  private handedOn = 0
  private timer: NodeJS.Timeout | null = null
  private bytes = 0
  private lastWrite: Promise<void> = Promise.resolve()
  private handing: Promise<void> = Promise.resolve()

  constructor(
    readonly path: string,
    private readonly onChunk: (chunk: LogChunk) => void
  ) {
    this.file = createWriteStream(path, { flags: 'a', mode: PRIVATE_FILE })
    // A failing disk must not crash the app; the run still finishes and says so in its summary.
    this.file.on('error', () => {})
  }

  /** Appends raw output; answers a promise when the file is behind (resolved once it drains). */
  write(chunk: Buffer): Promise<void> | undefined {
    this.bytes += chunk.length
    let ok = false
    // The callback also runs on a write error: the chunk is then handed on all the same.
    this.lastWrite = new Promise((resolve) => {
      ok = this.file.write(chunk, () => resolve())
    })
    this.pending.push(chunk)
    this.pendingBytes += chunk.length
    if (!this.timer) this.timer = setTimeout(() => this.flushLive(false), LOG_FLUSH_MS)
    if (ok || this.file.destroyed) return undefined
    return new Promise((resolve) => {
      const done = (): void => {
        this.file.off('drain', done)
        this.file.off('close', done)
        resolve()
      }
      this.file.on('drain', done)
      this.file.on('close', done)
    })
  }

  /** Appends a line written by Slipway itself (prefixed so it stands out from the command's). */
  note(line: string): void {
    void this.write(Buffer.from(`\x1b[2m[slipway] ${line}\x1b[0m\n`))
  }

  /** Resolves once every byte written so far is in the file (readable with {@link readLogSlice}). */
  flushed(): Promise<void> {
    return this.lastWrite
  }

  /** Bytes written so far. */
  get size(): number {
    return this.bytes
  }

  /** Hands on what is pending and closes the file; resolves once every byte is on disk. */
  async close(): Promise<void> {
    this.flushLive(true)
    await this.handing
    await new Promise<void>((resolve) => this.file.end(() => resolve()))
  }

  // Hands on the pending bytes up to the last whole UTF-8 character (all of them at the end),
  // once the file holds them.
  private flushLive(final: boolean): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    if (this.pendingBytes === 0) return
    const all = Buffer.concat(this.pending, this.pendingBytes)
    const cut = final ? all.length : completeUtf8Length(all)
    if (cut === 0) return
    const rest = all.subarray(cut)
    this.pending = rest.length ? [rest] : []
    this.pendingBytes = rest.length
    const chunk: LogChunk = {
      text: all.subarray(0, cut).toString('utf8'),
      offset: this.handedOn,
      bytes: cut
    }
    this.handedOn += cut
    const written = this.lastWrite
    this.handing = this.handing.then(() => written).then(() => this.onChunk(chunk))
    if (rest.length && !final) this.timer = setTimeout(() => this.flushLive(false), LOG_FLUSH_MS)
  }
}

/** The length of `buffer` without a UTF-8 character cut off at its end. */
function completeUtf8Length(buffer: Buffer): number {
  // Look back at most 3 bytes for the lead byte of the last character.
  for (let back = 1; back <= Math.min(3, buffer.length); back++) {
    const byte = buffer[buffer.length - back] as number
    if ((byte & 0xc0) === 0x80) continue // a continuation byte: keep looking
    const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1
    return need > back ? buffer.length - back : buffer.length
  }
  return buffer.length
}

/** Reads bytes `[offset, offset + length)` of a log file (at most {@link MAX_LOG_SLICE}). */
export async function readLogSlice(
  path: string,
  offset: number,
  length: number
): Promise<{ text: string; totalBytes: number }> {
  let handle
  try {
    handle = await open(path, 'r')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { text: '', totalBytes: 0 }
    throw e
  }
  try {
    const { size } = await handle.stat()
    const start = Math.max(0, Math.min(offset, size))
    const want = Math.max(0, Math.min(length, MAX_LOG_SLICE, size - start))
    const buffer = Buffer.alloc(want)
    const { bytesRead } = await handle.read(buffer, 0, want, start)
    return { text: buffer.subarray(0, bytesRead).toString('utf8'), totalBytes: size }
  } finally {
    await handle.close()
  }
}
