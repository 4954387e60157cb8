import { open } from 'node:fs/promises'
import { LogHitCollector, type LogQuery, type LogSearchResult } from '../../../shared/log-search'

/** The most bytes one search reads (a log beyond it is searched up to here, and says so). */
export const MAX_SEARCH_BYTES = 512 * 1024 * 1024
// Bytes read at a time, and the longest line matched in full (the rest of it is skipped).
const CHUNK_BYTES = 1024 * 1024
const MAX_LINE_BYTES = 1024 * 1024

/**
 * Searches a whole stored log, line by line, in log order: every match of `query` in the lines
 * as the viewer shows them, each with its line number and the byte offset where its line
 * starts (the viewer reads a window there to show it). Reads the file in chunks, so memory
 * stays bounded whatever the log's size; at most {@link MAX_SEARCH_BYTES} are searched.
 */
export async function searchLogFile(
  path: string,
  query: LogQuery,
  maxBytes = MAX_SEARCH_BYTES
): Promise<LogSearchResult> {
  const collector = new LogHitCollector(query)
  let handle
  try {
    handle = await open(path, 'r')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      return { hits: [], total: 0, searchedBytes: 0, totalBytes: 0 }
    }
    throw e
  }
  try {
    const { size } = await handle.stat()
    const end = Math.min(size, maxBytes)
    const buffer = Buffer.alloc(CHUNK_BYTES)
    // The open line: its first bytes (up to MAX_LINE_BYTES), number and offset.
    let parts: Buffer[] = []
    let partBytes = 0
    let line = 0
    let lineStart = 0
    let position = 0
    const endLine = (): void => {
      collector.add(Buffer.concat(parts, partBytes).toString('utf8'), line, lineStart)
      parts = []
      partBytes = 0
      line++
    }
    const keep = (piece: Buffer): void => {
      const room = MAX_LINE_BYTES - partBytes
      if (room <= 0) return
      const kept = piece.length > room ? piece.subarray(0, room) : piece
      // Copied: the read buffer is reused for the next chunk.
      parts.push(Buffer.from(kept))
      partBytes += kept.length
    }
    while (position < end) {
      const { bytesRead } = await handle.read(
        buffer,
        0,
        Math.min(CHUNK_BYTES, end - position),
        position
      )
      if (bytesRead === 0) break
      const chunk = buffer.subarray(0, bytesRead)
      let from = 0
      for (let nl = chunk.indexOf(10, from); nl !== -1; nl = chunk.indexOf(10, from)) {
        keep(chunk.subarray(from, nl))
        endLine()
        lineStart = position + nl + 1
        from = nl + 1
      }
      keep(chunk.subarray(from))
      position += bytesRead
    }
    // The last line (no newline after it yet) is searched too.
    if (partBytes > 0) endLine()
    return {
      hits: collector.hits,
      total: collector.total,
      searchedBytes: position,
      totalBytes: size
    }
  } finally {
    await handle.close()
  }
}
