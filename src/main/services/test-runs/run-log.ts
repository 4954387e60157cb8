import { createWriteStream, type WriteStream } from 'node:fs'
import { open } from 'node:fs/promises'
import { StringDecoder } from 'node:string_decoder'

/** How often live log output is handed on at most (per run). */
export const LOG_FLUSH_MS = 100
/** The most a single {@link readLogSlice} answers. */
export const MAX_LOG_SLICE = 4 * 1024 * 1024

/**
 * One run's log: every byte goes to the file on disk at once; the live view gets the text
 * coalesced to at most one chunk per {@link LOG_FLUSH_MS}.
 */
export class RunLog {
  private readonly file: WriteStream
  private readonly decoder = new StringDecoder('utf8')
  private pending = ''
  private timer: NodeJS.Timeout | null = null
  private bytes = 0

  constructor(
    readonly path: string,
    private readonly onChunk: (text: string) => void
  ) {
    this.file = createWriteStream(path, { flags: 'a' })
    // A failing disk must not crash the app; the run still finishes and says so in its summary.
    this.file.on('error', () => {})
  }

  /** Appends raw output; answers a promise when the file is behind (resolved once it drains). */
  write(chunk: Buffer): Promise<void> | undefined {
    this.bytes += chunk.length
    const ok = this.file.write(chunk)
    this.pending += this.decoder.write(chunk)
    if (!this.timer) this.timer = setTimeout(() => this.flushLive(), LOG_FLUSH_MS)
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

  /** Bytes written so far. */
  get size(): number {
    return this.bytes
  }

  /** Hands on what is pending and closes the file; resolves once every byte is on disk. */
  async close(): Promise<void> {
    this.pending += this.decoder.end()
    this.flushLive()
    await new Promise<void>((resolve) => this.file.end(() => resolve()))
  }

  private flushLive(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    if (!this.pending) return
    const text = this.pending
    this.pending = ''
    this.onChunk(text)
  }
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
