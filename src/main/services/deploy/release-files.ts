import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { createGunzip } from 'node:zlib'
import { ExpectedError } from '../errors'

/** One entry of a release tarball, path relative to the release folder (no `./`). */
export type ReleaseEntry =
  | { readonly kind: 'directory'; readonly path: string; readonly mode: number }
  | {
      readonly kind: 'file'
      readonly path: string
      readonly mode: number
      readonly size: number
      readonly sha256: string
    }
  | { readonly kind: 'symlink'; readonly path: string; readonly target: string }

/** What a release tarball unpacks to, and the hash a host recomputes to prove it has the same. */
export interface ReleaseFiles {
  /** Entries by path, the last of a repeated path winning (as tar does), parents implied. */
  readonly entries: ReadonlyMap<string, ReleaseEntry>
  /** sha256 of {@link manifestListing}: what the host's unpacked tree must hash to. */
  readonly manifestHash: string
  /** Why a delta cannot describe this tarball (e.g. hard links, odd names); null when it can. */
  readonly unsupported: string | null
}

/**
 * Reads a release tarball (gzip'd ustar/PAX/GNU tar) once: every entry, each file's sha256,
 * and checks the tarball's own sha256 against `sha256`, so the manifest is derived from the
 * release itself. Answers are cached by sha256 (a release never changes).
 */
export async function readReleaseFiles(tarballPath: string, sha256: string): Promise<ReleaseFiles> {
  const cached = cache.get(sha256)
  if (cached) return cached
  const entries = new Map<string, ReleaseEntry>()
  let unsupported: string | null = null
  const whole = createHash('sha256')
  await scanTar(tarballPath, whole, (header) => {
    const path = normalise(header.name)
    if (path === null) return null
    if (unsupported === null) unsupported = nameProblem(path)
    if (header.type === 'directory') {
      entries.set(path, { kind: 'directory', path, mode: header.mode })
      return null
    }
    if (header.type === 'symlink') {
      if (unsupported === null) unsupported = nameProblem(header.link)
      entries.set(path, { kind: 'symlink', path, target: header.link })
      return null
    }
    if (header.type === 'file') {
      const hash = createHash('sha256')
      return {
        data: (chunk) => hash.update(chunk),
        end: () =>
          entries.set(path, {
            kind: 'file',
            path,
            mode: header.mode,
            size: header.size,
            sha256: hash.digest('hex')
          })
      }
    }
    unsupported ??= `it holds ${path}, a tar entry of type ${header.type}`
    return null
  })
  const actual = whole.digest('hex')
  if (actual !== sha256) {
    throw new ExpectedError(
      'deploy-failed',
      `the release tarball ${tarballPath} has sha256 ${actual}, not ${sha256}`,
      { tarballPath, expected: sha256, actual }
    )
  }
  for (const path of [...entries.keys()]) {
    for (let parent = dirOf(path); parent !== ''; parent = dirOf(parent)) {
      if (!entries.has(parent))
        entries.set(parent, { kind: 'directory', path: parent, mode: 0o755 })
    }
  }
  const result: ReleaseFiles = {
    entries,
    manifestHash: createHash('sha256').update(manifestListing(entries.values())).digest('hex'),
    unsupported
  }
  cache.set(sha256, result)
  if (cache.size > 8) cache.delete(cache.keys().next().value as string)
  return result
}

const cache = new Map<string, ReleaseFiles>()

/**
 * The listing a host makes of an unpacked tree with `find`, `sha256sum` and `LC_ALL=C sort`
 * (see HOST_LISTING in delta-upload.ts): `<sha256>  ./file`, `x ./file` for executables,
 * `d ./dir`, `l ./link -> target`; byte-sorted, one per line.
 */
export function manifestListing(entries: Iterable<ReleaseEntry>): Buffer {
  const lines: Buffer[] = []
  for (const e of entries) {
    if (e.kind === 'file') {
      lines.push(Buffer.from(`${e.sha256}  ./${e.path}\n`))
      if (e.mode & 0o100) lines.push(Buffer.from(`x ./${e.path}\n`))
    } else if (e.kind === 'directory') lines.push(Buffer.from(`d ./${e.path}\n`))
    else lines.push(Buffer.from(`l ./${e.path} -> ${e.target}\n`))
  }
  lines.sort(Buffer.compare)
  return Buffer.concat(lines)
}

function dirOf(path: string): string {
  const slash = path.lastIndexOf('/')
  return slash < 0 ? '' : path.slice(0, slash)
}

/** `./a/b/` → `a/b`; the root itself → null. */
function normalise(name: string): string | null {
  const parts = name.split('/').filter((p) => p !== '' && p !== '.')
  if (parts.some((p) => p === '..')) return null
  return parts.length === 0 ? null : parts.join('/')
}

/**
 * Names `sha256sum` escapes (backslash, newline) or that sort differently as text would make
 * the host's listing differ from ours: such releases go up whole.
 */
function nameProblem(name: string): string | null {
  // eslint-disable-next-line no-control-regex
  return /[\\\u0000-\u001f\u007f]/.test(name) || name.includes(' -> ')
    ? `the name ${JSON.stringify(name)} cannot be listed reliably on the host`
    : null
}

/** A tar header as {@link scanTar} reports it. */
export interface TarHeader {
  readonly type: 'file' | 'directory' | 'symlink' | string
  readonly name: string
  readonly link: string
  readonly mode: number
  readonly size: number
  /** Modification time, seconds. */
  readonly mtime: number
}

/** What to do with a file's data: `data` per chunk, `end` after the last. */
export interface TarDataSink {
  data(chunk: Buffer): void
  end(): void
}

/**
 * Streams a tar.gz entry by entry (ustar, PAX `x` headers, GNU `L`/`K` long names); `visit`
 * answers a sink for the entry's data, or null to skip it. Every compressed byte also goes
 * to `whole` (the tarball's own hash).
 */
export async function scanTar(
  tarballPath: string,
  whole: { update(b: Buffer): unknown } | null,
  visit: (header: TarHeader) => TarDataSink | null
): Promise<void> {
  const source = createReadStream(tarballPath, { highWaterMark: 1 << 20 })
  if (whole) source.on('data', (b) => whole.update(b as Buffer))
  const gunzip = source.pipe(createGunzip({ chunkSize: 1 << 18 }))
  source.on('error', (e) => gunzip.destroy(e))
  let head = Buffer.alloc(0)
  let remaining = 0
  let padding = 0
  let sink: TarDataSink | null = null
  let meta: 'pax' | 'longname' | 'longlink' | null = null
  let metaData: Buffer[] = []
  let pax: Record<string, string> = {}
  let ended = false
  const onMeta = (kind: typeof meta, body: Buffer): void => {
    if (kind === 'pax') pax = { ...pax, ...parsePax(body) }
    else if (kind === 'longname') pax = { ...pax, path: cString(body) }
    else if (kind === 'longlink') pax = { ...pax, linkpath: cString(body) }
  }
  for await (const piece of gunzip) {
    // Past the end-of-archive blocks the rest is still read: the tarball's hash needs it.
    let chunk = ended ? Buffer.alloc(0) : (piece as Buffer)
    while (chunk.length > 0 && !ended) {
      if (remaining > 0) {
        const n = Math.min(remaining, chunk.length)
        const part = chunk.subarray(0, n)
        if (meta) metaData.push(part)
        else sink?.data(part)
        remaining -= n
        chunk = chunk.subarray(n)
        if (remaining === 0) {
          if (meta) onMeta(meta, Buffer.concat(metaData))
          else sink?.end()
          meta = null
          metaData = []
          sink = null
        }
        continue
      }
      if (padding > 0) {
        const n = Math.min(padding, chunk.length)
        padding -= n
        chunk = chunk.subarray(n)
        continue
      }
      const need = 512 - head.length
      head = Buffer.concat([head, chunk.subarray(0, need)])
      chunk = chunk.subarray(need)
      if (head.length < 512) continue
      const block = head
      head = Buffer.alloc(0)
      if (block.every((b) => b === 0)) {
        ended = true
        break
      }
      const size = pax.size !== undefined ? Number(pax.size) : octal(block, 124, 12)
      const flag = String.fromCharCode(block[156] || 0x30)
      remaining = size
      padding = (512 - (size % 512)) % 512
      if (flag === 'x' || flag === 'g' || flag === 'L' || flag === 'K') {
        meta = flag === 'x' ? 'pax' : flag === 'L' ? 'longname' : flag === 'K' ? 'longlink' : null
        if (flag === 'g') sink = null
        if (size === 0 && meta) onMeta(meta, Buffer.alloc(0))
        if (size === 0) meta = null
        continue
      }
      const prefix = cString(block.subarray(345, 500))
      const magic = block.subarray(257, 262).toString('latin1')
      const baseName = cString(block.subarray(0, 100))
      const name = pax.path ?? (magic === 'ustar' && prefix ? `${prefix}/${baseName}` : baseName)
      const link = pax.linkpath ?? cString(block.subarray(157, 257))
      pax = {}
      const type =
        flag === '0' || flag === '7'
          ? 'file'
          : flag === '5'
            ? 'directory'
            : flag === '2'
              ? 'symlink'
              : flag === '1'
                ? 'hard link'
                : `'${flag}'`
      sink =
        visit({
          type,
          name,
          link,
          mode: octal(block, 100, 8) & 0o7777,
          size,
          mtime: octal(block, 136, 12)
        }) ?? null
      if (size === 0) {
        sink?.end()
        sink = null
      }
    }
  }
}

function cString(b: Buffer): string {
  const nul = b.indexOf(0)
  return b.subarray(0, nul < 0 ? b.length : nul).toString('utf8')
}

function octal(block: Buffer, offset: number, length: number): number {
  const field = block.subarray(offset, offset + length)
  // GNU base-256 for sizes over 8 GiB.
  if (field[0] & 0x80) return field.subarray(1).reduce((n, b) => n * 256 + b, field[0] & 0x7f)
  const text = cString(field).trim()
  return text === '' ? 0 : parseInt(text, 8)
}

function parsePax(body: Buffer): Record<string, string> {
  const out: Record<string, string> = {}
  let at = 0
  while (at < body.length) {
    const space = body.indexOf(0x20, at)
    if (space < 0) break
    const len = Number(body.subarray(at, space).toString('latin1'))
    if (!Number.isFinite(len) || len <= 0) break
    const record = body.subarray(space + 1, at + len - 1).toString('utf8')
    const eq = record.indexOf('=')
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1)
    at += len
  }
  return out
}
