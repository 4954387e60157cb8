import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { gzip } from 'node:zlib'
import { padding, tarEnd, tarHeader, type StoredRelease } from '../releases'
import { shellQuote, type Transport } from '../transport'
import { assertSharedPath } from './host-read'
import { readReleaseFiles, scanTar, type ReleaseEntry } from './release-files'
import { assertReleaseId, execChecked, hostPaths } from './remote'

const gzipAsync = promisify(gzip)

/** Above this share of changed bytes a delta saves too little to be worth a second path. */
const MAX_CHANGED_SHARE = 0.5

/** A delta from `base` to a release: what the host copies from `base` and the file it receives. */
export interface DeltaPlan {
  readonly base: StoredRelease
  /** Paths (relative, no `./`) of files the host copies from `releases/<base>`. */
  readonly reuse: readonly string[]
  /** Bytes of those files. */
  readonly reusedBytes: number
  /** The local tar.gz holding every folder, symlink and changed file. */
  readonly deltaPath: string
  /** sha256 of the release's manifest listing: what the assembled tree must hash to. */
  readonly manifestHash: string
}

/**
 * Plans and writes the delta of `release` against `base` (both in the local release store):
 * a file is reused when `base` has the same path with the same sha256 and mode, and the path
 * is not a `shared/` entry (on the host those are links). Answers why not when a delta does
 * not apply (names a listing cannot carry, hard links, most bytes changed).
 */
export async function planDelta(
  release: StoredRelease,
  base: StoredRelease,
  shared: readonly string[],
  workDir: string
): Promise<DeltaPlan | { readonly skip: string }> {
  const [next, prev] = await Promise.all([
    readReleaseFiles(release.tarballPath, release.sha256),
    readReleaseFiles(base.tarballPath, base.sha256)
  ])
  if (next.unsupported) return { skip: `${release.id}: ${next.unsupported}` }
  if (prev.unsupported) return { skip: `${base.id}: ${prev.unsupported}` }
  const isShared = (path: string): boolean =>
    shared.some((s) => path === s || path.startsWith(`${s}/`))
  const reuse = new Set<string>()
  let reusedBytes = 0
  let totalBytes = 0
  for (const e of next.entries.values()) {
    if (e.kind !== 'file') continue
    totalBytes += e.size
    const old = prev.entries.get(e.path)
    if (
      old?.kind === 'file' &&
      old.sha256 === e.sha256 &&
      old.mode === e.mode &&
      !isShared(e.path)
    ) {
      reuse.add(e.path)
      reusedBytes += e.size
    }
  }
  if (reuse.size === 0) return { skip: `no file of ${base.id} is unchanged` }
  if (totalBytes - reusedBytes > MAX_CHANGED_SHARE * totalBytes) {
    return { skip: `more than half of the bytes changed since ${base.id}` }
  }
  const parts: Buffer[] = []
  await scanTar(release.tarballPath, null, (header) => {
    const path = header.name
      .split('/')
      .filter((p) => p !== '' && p !== '.')
      .join('/')
    const entry = next.entries.get(path)
    // The last entry of a repeated path is the one that counts; skip superseded copies.
    if (!entry || path === '' || !sameEntry(entry, header)) return null
    if (entry.kind === 'directory') parts.push(tarHeader(entry, header.mtime))
    else if (entry.kind === 'symlink') parts.push(tarHeader(entry, header.mtime))
    else if (!reuse.has(path)) {
      parts.push(
        tarHeader({ kind: 'file', path, mode: entry.mode, size: entry.size }, header.mtime)
      )
      return {
        data: (chunk) => parts.push(Buffer.from(chunk)),
        end: () => {
          const pad = padding(entry.size)
          if (pad > 0) parts.push(Buffer.alloc(pad))
        }
      }
    }
    return null
  })
  parts.push(tarEnd())
  const deltaPath = join(workDir, `delta-${release.id}-from-${base.id}.tar.gz`)
  await writeFile(deltaPath, await gzipAsync(Buffer.concat(parts), { level: 6 }))
  return { base, reuse: [...reuse].sort(), reusedBytes, deltaPath, manifestHash: next.manifestHash }
}

function sameEntry(entry: ReleaseEntry, header: { type: string; size: number }): boolean {
  if (entry.kind === 'file') return header.type === 'file' && header.size === entry.size
  return header.type === entry.kind
}

/** Where a delta and its reuse list wait on the host (pruning removes `upload-*` leftovers). */
export function deltaPaths(transport: Transport, id: string): { file: string; list: string } {
  assertReleaseId(id)
  const state = `${transport.basePath.replace(/\/+$/, '')}/.slipway`
  return { file: `${state}/upload-${id}.delta.tar.gz`, list: `${state}/upload-${id}.reuse` }
}

/**
 * The host's listing of the tree in the current folder, hashed: every file's sha256 (openssl
 * when present, it is several times faster), executables, folders and links, byte-sorted.
 * Must match manifestListing() in release-files.ts line for line.
 */
const HOST_LISTING =
  `{ find . -type f -exec sh -c 'if command -v openssl >/dev/null 2>&1; then ` +
  `openssl dgst -sha256 -r "$@" | sed "s/^\\([0-9a-f]*\\) \\*/\\1  /"; ` +
  `else sha256sum -- "$@"; fi' sh {} + && ` +
  `find . -type f -perm -u+x | sed 's/^/x /' && ` +
  `find . -mindepth 1 -type d | sed 's/^/d /' && ` +
  `find . -type l -exec sh -c 'for l; do printf "l %s -> %s\\n" "$l" "$(readlink -- "$l")"; done' sh {} + ; } ` +
  `| LC_ALL=C sort | sha256sum | cut -d' ' -f1`

/**
 * Sends the delta and assembles `releases/<id>` on the host in one command: copies the reused
 * files out of `releases/<base>` (read only; its recorded sha256 must be the base's), unpacks
 * the delta over them in `releases/<id>.tmp`, and hashes the whole tree against the release's
 * manifest hash before recording the release's sha256, linking `shared/` and renaming it into
 * place. Any difference leaves nothing and fails with ExpectedError('deploy-failed'), whose
 * message says why; the caller then uploads the whole release.
 */
export async function uploadDelta(
  transport: Transport,
  release: StoredRelease,
  plan: DeltaPlan,
  shared: readonly string[],
  options: {
    signal?: AbortSignal
    onProgress?: (sent: number, total: number) => void
    onUploaded?: () => void
    /** Keep the delta at this path on the host (a fan-out relay serves it). */
    keepAs?: string
  } = {}
): Promise<void> {
  const { file } = deltaPaths(transport, release.id)
  await transport.upload(plan.deltaPath, file, options)
  options.onUploaded?.()
  await assembleDelta(transport, release, plan, shared, options)
}

/**
 * The host side of {@link uploadDelta}, for a delta already at {@link deltaPaths}' `file`
 * (uploaded, or fetched from a fan-out relay): assemble, verify, then remove the delta or move
 * it to `keepAs`.
 */
export async function assembleDelta(
  transport: Transport,
  release: StoredRelease,
  plan: DeltaPlan,
  shared: readonly string[],
  options: { signal?: AbortSignal; keepAs?: string } = {}
): Promise<void> {
  const p = hostPaths(transport.basePath)
  const id = release.id
  const { file, list } = deltaPaths(transport, id)
  const root = transport.basePath.replace(/\/+$/, '')
  const tmpPath = `${root}/releases/${id}.tmp`
  const tmp = shellQuote(tmpPath)
  const base = p.release(plan.base.id)
  const links = shared.map((entry) => {
    assertSharedPath(entry)
    const depth = entry.split('/').length - 1
    const target = `${'../'.repeat(depth + 2)}shared/${entry}`
    const at = shellQuote(`${tmpPath}/${entry}`)
    return `mkdir -p -- "$(dirname -- ${at})" && rm -rf -- ${at} && ln -s -- ${shellQuote(target)} ${at} || exit 5; `
  })
  const fail = (code: number, why: string): string =>
    `{ rm -rf -- ${tmp}; echo ${shellQuote(why)} >&2; exit ${code}; }`
  const command =
    `[ -d ${base} ] || ${fail(6, `releases/${plan.base.id} is missing`)}; ` +
    `[ "$(cat -- ${base}/.slipway-sha256 2>/dev/null)" = ${shellQuote(plan.base.sha256)} ] || ` +
    `${fail(6, `releases/${plan.base.id} records another sha256`)}; ` +
    `rm -rf -- ${tmp} && mkdir -p -- ${tmp} && cat > ${shellQuote(list)} || exit 2; ` +
    // Names are './'-prefixed, so tar -T never takes one for an option.
    `(cd ${base} && tar -cf - -T ${shellQuote(list)}) | (cd ${tmp} && tar -xf -) || ` +
    `${fail(6, `copying from releases/${plan.base.id} failed`)}; ` +
    `tar -xzf ${shellQuote(file)} -C ${tmp} || ${fail(3, 'tar could not unpack the delta')}; ` +
    `sum=$(cd ${tmp} && ${HOST_LISTING}); ` +
    `[ "$sum" = ${shellQuote(plan.manifestHash)} ] || ` +
    `${fail(4, `the assembled tree differs from ${id} (a file of releases/${plan.base.id} was changed on the host?)`)}; ` +
    `printf '%s\\n' ${shellQuote(release.sha256)} > ${tmp}/.slipway-sha256 || exit 2; ` +
    links.join('') +
    `rm -rf -- ${p.release(id)} && mv -- ${tmp} ${p.release(id)} && rm -f -- ${shellQuote(list)} && ` +
    (options.keepAs
      ? `mv -f -- ${shellQuote(file)} ${shellQuote(options.keepAs)}`
      : `rm -f -- ${shellQuote(file)}`)
  await execChecked(transport, 'assemble delta', command, {
    stdin: plan.reuse.map((path) => `./${path}\n`).join(''),
    signal: options.signal
  })
}
