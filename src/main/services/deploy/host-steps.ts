import { shellQuote, type Transport } from '../transport'
import type { StoredRelease } from '../releases'
import type { HostLogEntry } from './host-log'
import { assertSharedPath } from './host-read'
import { readHostSnapshot } from './host-read'
import { assertReleaseId, execChecked, hostPaths } from './remote'

/** Where the tarball of `id` is uploaded on a host before it is unpacked. */
export function uploadPath(transport: Transport, id: string): string {
  assertReleaseId(id)
  return `${transport.basePath.replace(/\/+$/, '')}/.slipway/upload-${id}.tar.gz`
}

/** Uploads the release tarball, then verifies and unpacks it ({@link unpackUpload}). */
export async function uploadRelease(
  transport: Transport,
  release: StoredRelease,
  shared: readonly string[],
  options: {
    signal?: AbortSignal
    onProgress?: (sent: number, total: number) => void
    onUploaded?: () => void
    /** Keep the verified tarball at this path on the host (a fan-out relay serves it). */
    keepAs?: string
  } = {}
): Promise<void> {
  const remote = uploadPath(transport, release.id)
  await transport.upload(release.tarballPath, remote, {
    signal: options.signal,
    onProgress: options.onProgress
  })
  options.onUploaded?.()
  await unpackUpload(transport, release, shared, { signal: options.signal, keepAs: options.keepAs })
}

/**
 * On the host, in one command: checks the sha256 of the tarball waiting at
 * {@link uploadPath} (computed while tar unpacks into `releases/<id>.tmp`, so the two overlap),
 * records it, links the `shared/` entries and renames the folder to `releases/<id>`. A
 * mismatch leaves nothing. The tarball is then removed, or moved to `keepAs` (a relay serves it).
 */
export async function unpackUpload(
  transport: Transport,
  release: StoredRelease,
  shared: readonly string[],
  options: { signal?: AbortSignal; keepAs?: string } = {}
): Promise<void> {
  const p = hostPaths(transport.basePath)
  const id = release.id
  const remote = uploadPath(transport, id)
  const dir = p.release(id)
  const tmp = shellQuote(`${transport.basePath.replace(/\/+$/, '')}/releases/${id}.tmp`)
  const file = shellQuote(remote)
  const sumFile = shellQuote(`${remote}.sha256`)
  const links = shared.map((entry) => {
    assertSharedPath(entry)
    const depth = entry.split('/').length - 1
    const target = `${'../'.repeat(depth + 2)}shared/${entry}`
    const at = shellQuote(`${transport.basePath.replace(/\/+$/, '')}/releases/${id}.tmp/${entry}`)
    return `mkdir -p -- "$(dirname -- ${at})" && rm -rf -- ${at} && ln -s -- ${shellQuote(target)} ${at} || exit 5; `
  })
  const command =
    `rm -rf -- ${tmp} && mkdir -p -- ${tmp} || exit 2; ` +
    // openssl uses the CPU's SHA extensions (~7x faster than coreutils here); the path is
    // absolute, so it cannot be taken for an option.
    `(if command -v openssl >/dev/null 2>&1; then openssl dgst -sha256 -r ${file}; ` +
    `else sha256sum -- ${file}; fi > ${sumFile}) & ` +
    `if ! tar -xzf ${file} -C ${tmp}; then wait; rm -rf -- ${tmp}; echo 'tar could not unpack the upload' >&2; exit 3; fi; ` +
    `wait; sum=$(cut -d' ' -f1 < ${sumFile}); ` +
    `if [ "$sum" != ${shellQuote(release.sha256)} ]; then rm -rf -- ${tmp}; ` +
    `echo "sha256 mismatch: the host has $sum" >&2; exit 4; fi; ` +
    `printf '%s\\n' ${shellQuote(release.sha256)} > ${tmp}/.slipway-sha256 || exit 2; ` +
    links.join('') +
    `rm -rf -- ${dir} && mv -- ${tmp} ${dir} && ` +
    (options.keepAs
      ? `mv -f -- ${file} ${shellQuote(options.keepAs)} && rm -f -- ${sumFile}`
      : `rm -f -- ${file} ${sumFile}`)
  await execChecked(transport, 'verify and unpack', command, { signal: options.signal })
}

/**
 * Switches `current` to `releases/<id>` atomically: a new relative symlink at a temporary name
 * renamed over the old one (`mv -T`), never remove-then-link. Records the release it replaced
 * in `.slipway/previous` (or `previous` when given, e.g. restoring it on rollback) and
 * returns the replaced release id ('' when there was none). `id` null removes `current`.
 * `log` is appended to the host log in the same command.
 */
export async function switchCurrent(
  transport: Transport,
  id: string | null,
  options: { previous?: string | null; signal?: AbortSignal; log?: HostLogEntry } = {}
): Promise<string> {
  const p = hostPaths(transport.basePath)
  // The host log line rides in the same round trip as the switch it records.
  const log = options.log
    ? `printf '%s\\n' ${shellQuote(JSON.stringify(options.log))} >> ${p.log}; `
    : ''
  const tmpLink = shellQuote(`${transport.basePath.replace(/\/+$/, '')}/current.slipway-tmp`)
  const readPrev = `prev=$(readlink -- ${p.current} 2>/dev/null); prev=\${prev##*/}; `
  let record: string
  if (options.previous === undefined) {
    record = `if [ -n "$prev" ] && [ "$prev" != ${shellQuote(id ?? '')} ]; then printf '%s\\n' "$prev" > ${p.previous}; fi; `
  } else if (options.previous === null) {
    record = `rm -f -- ${p.previous}; `
  } else {
    assertReleaseId(options.previous)
    record = `printf '%s\\n' ${shellQuote(options.previous)} > ${p.previous}; `
  }
  let command: string
  if (id === null) {
    command = readPrev + `rm -f -- ${p.current} || exit 2; ` + record + log + `printf '%s' "$prev"`
  } else {
    const dir = p.release(id)
    command =
      readPrev +
      `[ -d ${dir} ] || { echo 'release folder missing' >&2; exit 3; }; ` +
      `rm -f -- ${tmpLink} && ln -s -- ${shellQuote(`releases/${id}`)} ${tmpLink} && ` +
      `mv -Tf -- ${tmpLink} ${p.current} || exit 2; ` +
      record +
      log +
      `printf '%s' "$prev"`
  }
  const out = await execChecked(transport, 'switch current', command, { signal: options.signal })
  return out.trim()
}

/** Records `id` in the host's `.slipway/bad-releases` (once). */
export async function markBadOnHost(transport: Transport, id: string): Promise<void> {
  assertReleaseId(id)
  const p = hostPaths(transport.basePath)
  const q = shellQuote(id)
  await execChecked(
    transport,
    'mark bad',
    `mkdir -p -- ${p.state} && { grep -qxF -- ${q} ${p.bad} 2>/dev/null || printf '%s\\n' ${q} >> ${p.bad}; }`
  )
}

/** Which releases retention removes: beyond the newest `keep`, never current, previous or `protect`. */
export function releasesToPrune(
  present: readonly string[],
  keep: number,
  protect: readonly (string | null)[]
): string[] {
  const kept = new Set(protect.filter((x): x is string => x !== null))
  const newestFirst = [...present].sort().reverse()
  return newestFirst.slice(keep).filter((id) => !kept.has(id))
}

/** Applies retention on one host and removes interrupted uploads; returns the removed release ids. */
export async function pruneHostReleases(
  transport: Transport,
  keep: number,
  protect: readonly (string | null)[]
): Promise<string[]> {
  const snap = await readHostSnapshot(transport)
  const remove = releasesToPrune(snap.releases, keep, [...protect, snap.current, snap.previous])
  const p = hostPaths(transport.basePath)
  // Also what an interrupted upload left (the environment's lock is held, so none is running).
  const leftovers = `rm -rf -- ${p.releases}/*.tmp ${p.state}/upload-*; `
  await execChecked(
    transport,
    'prune releases',
    leftovers +
      (remove.length > 0 ? `rm -rf -- ${remove.map((id) => p.release(id)).join(' ')}` : 'true')
  )
  return remove
}
