import { createHash } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createGzip } from 'node:zlib'
import { ExpectedError } from '../errors'
import { readArtifactTree } from './artifact-tree'
import { padding, tarEnd, tarHeader, type TarEntry } from './tar-header'
import { PRIVATE_FILE } from '../private-files'

/** What {@link packArtifact} wrote. */
export interface PackResult {
  /** sha256 of the tar.gz, hex. */
  readonly sha256: string
  readonly sizeBytes: number
  /** Entries in the archive (files, folders and links). */
  readonly entries: number
}

/** Options for {@link packArtifact}. */
export interface PackOptions {
  /** The folder whose content becomes the top level of the archive. */
  readonly root: string
  /** Where the tar.gz is written. */
  readonly output: string
  /** Every entry's mtime (seconds): the commit's committer time, so builds are reproducible. */
  readonly mtimeSeconds: number
  readonly onEntries?: (count: number) => void
  readonly signal?: AbortSignal
}

/**
 * Packs the content of `root` into a deterministic tar.gz at `output` (ustar with PAX headers
 * for long names, sorted entries, fixed mtime, uid/gid 0, normalised modes, gzip level 6),
 * streaming file by file, and answers its sha256 and size. The same tree always gives the
 * same bytes.
 */
export async function packArtifact(options: PackOptions): Promise<PackResult> {
  const info = await stat(options.root).catch(() => null)
  if (!info?.isDirectory()) {
    throw new ExpectedError('build-failed', `the build did not produce the artifact folder`, {
      artifact: options.root
    })
  }
  const entries = await readArtifactTree(options.root)
  options.onEntries?.(entries.length)
  const hash = createHash('sha256')
  let sizeBytes = 0
  const measure = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk)
      sizeBytes += chunk.length
      done(null, chunk)
    }
  })
  await pipeline(
    Readable.from(fixedChunks(tarStream(options.root, entries, options.mtimeSeconds))),
    // zlib's stored blocks (incompressible data) depend on how input and output are cut, so
    // both are fixed sizes: the bytes then depend on the tree alone.
    createGzip({ level: 6, chunkSize: 1 << 18 }),
    measure,
    createWriteStream(options.output, { mode: PRIVATE_FILE }),
    { signal: options.signal }
  )
  return { sha256: hash.digest('hex'), sizeBytes, entries: entries.length }
}

const CHUNK = 1 << 20

/** Re-cuts a byte stream into CHUNK-sized buffers (the last one shorter). */
async function* fixedChunks(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let pending = Buffer.allocUnsafe(CHUNK)
  let used = 0
  for await (const piece of source) {
    let offset = 0
    while (offset < piece.length) {
      const n = Math.min(CHUNK - used, piece.length - offset)
      piece.copy(pending, used, offset, offset + n)
      used += n
      offset += n
      if (used === CHUNK) {
        yield pending
        pending = Buffer.allocUnsafe(CHUNK)
        used = 0
      }
    }
  }
  if (used > 0) yield pending.subarray(0, used)
}

async function* tarStream(
  root: string,
  entries: readonly TarEntry[],
  mtimeSeconds: number
): AsyncGenerator<Buffer> {
  for (const entry of entries) {
    yield tarHeader(entry, mtimeSeconds)
    if (entry.kind !== 'file') continue
    let read = 0
    // Large reads keep the per-chunk overhead of the generator and gzip small.
    for await (const chunk of createReadStream(join(root, entry.path), { highWaterMark: CHUNK })) {
      const buf = chunk as Buffer
      read += buf.length
      if (read > entry.size) break
      yield buf
    }
    if (read !== entry.size) {
      throw new ExpectedError('build-failed', `${entry.path} changed while it was being packed`, {
        path: entry.path,
        expected: entry.size,
        read
      })
    }
    const pad = padding(entry.size)
    if (pad > 0) yield Buffer.alloc(pad)
  }
  yield tarEnd()
}
