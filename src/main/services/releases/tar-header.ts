/** What one tar entry is: the fields Slipway writes (everything else is fixed). */
export type TarEntry =
  | { readonly kind: 'directory'; readonly path: string; readonly mode: number }
  | { readonly kind: 'file'; readonly path: string; readonly mode: number; readonly size: number }
  | { readonly kind: 'symlink'; readonly path: string; readonly target: string }

/** The tar block size: headers and file data are padded to it. */
export const BLOCK = 512

// ustar fields hold at most this many bytes; longer values go into a PAX header.
const NAME_MAX = 100
const LINK_MAX = 100
// 11 octal digits.
const SIZE_MAX = 0o77777777777

/**
 * The header blocks of `entry` (a PAX extended header first when a name, link or size does
 * not fit ustar), with uid/gid 0, empty user and group names and the given mtime, so the
 * same tree always gives the same bytes.
 */
export function tarHeader(entry: TarEntry, mtimeSeconds: number): Buffer {
  const name = entry.kind === 'directory' ? `${entry.path}/` : entry.path
  const link = entry.kind === 'symlink' ? entry.target : ''
  const size = entry.kind === 'file' ? entry.size : 0
  const pax: [string, string][] = []
  if (Buffer.byteLength(name) > NAME_MAX) pax.push(['path', name])
  if (Buffer.byteLength(link) > LINK_MAX) pax.push(['linkpath', link])
  if (size > SIZE_MAX) pax.push(['size', String(size)])
  const main = ustarBlock({
    name: truncateUtf8(name, NAME_MAX),
    mode: entry.kind === 'symlink' ? 0o777 : entry.mode,
    size: size > SIZE_MAX ? 0 : size,
    mtime: mtimeSeconds,
    type: entry.kind === 'directory' ? '5' : entry.kind === 'symlink' ? '2' : '0',
    link: truncateUtf8(link, LINK_MAX)
  })
  if (pax.length === 0) return main
  const body = Buffer.from(pax.map(([k, v]) => paxRecord(k, v)).join(''), 'utf8')
  const paxName = truncateUtf8(`PaxHeaders/${lastSegment(name)}`, NAME_MAX)
  const head = ustarBlock({
    name: paxName,
    mode: 0o644,
    size: body.length,
    mtime: mtimeSeconds,
    type: 'x',
    link: ''
  })
  return Buffer.concat([head, body, Buffer.alloc(padding(body.length)), main])
}

/** Zero bytes needed after `size` bytes of data to reach a block boundary. */
export function padding(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK
}

/** The two zero blocks that end an archive. */
export function tarEnd(): Buffer {
  return Buffer.alloc(BLOCK * 2)
}

interface UstarFields {
  readonly name: string
  readonly mode: number
  readonly size: number
  readonly mtime: number
  readonly type: string
  readonly link: string
}

function ustarBlock(f: UstarFields): Buffer {
  const b = Buffer.alloc(BLOCK)
  b.write(f.name, 0, NAME_MAX, 'utf8')
  octal(b, 100, 8, f.mode)
  octal(b, 108, 8, 0)
  octal(b, 116, 8, 0)
  octal(b, 124, 12, f.size)
  octal(b, 136, 12, f.mtime)
  b.write(f.type, 156, 1, 'ascii')
  b.write(f.link, 157, LINK_MAX, 'utf8')
  b.write('ustar\u000000', 257, 8, 'ascii')
  // uname (265) and gname (297) stay empty; devmajor/devminor as octal zero.
  octal(b, 329, 8, 0)
  octal(b, 337, 8, 0)
  // The checksum is computed with its own field as eight spaces.
  b.fill(0x20, 148, 156)
  let sum = 0
  for (const byte of b) sum += byte
  b.write(sum.toString(8).padStart(6, '0') + '\u0000 ', 148, 8, 'ascii')
  return b
}

function octal(b: Buffer, offset: number, length: number, value: number): void {
  b.write(value.toString(8).padStart(length - 1, '0') + '\u0000', offset, length, 'ascii')
}

function paxRecord(key: string, value: string): string {
  // "<len> key=value\n", where len counts the whole record including its own digits.
  const rest = ` ${key}=${value}\n`
  const restBytes = Buffer.byteLength(rest)
  let len = restBytes + 1
  while (String(len).length + restBytes !== len) len = String(len).length + restBytes
  return `${len}${rest}`
}

function lastSegment(name: string): string {
  const parts = name.split('/').filter((p) => p !== '')
  return parts[parts.length - 1] ?? 'entry'
}

// Cuts at a character boundary so a truncated name is still valid UTF-8.
function truncateUtf8(value: string, maxBytes: number): string {
  if (Buffer.byteLength(value) <= maxBytes) return value
  let out = ''
  let bytes = 0
  for (const ch of value) {
    const n = Buffer.byteLength(ch)
    if (bytes + n > maxBytes) break
    out += ch
    bytes += n
  }
  return out
}
