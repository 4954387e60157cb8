import { FreezeOverrideSchema, type FreezeOverride } from '../../../shared/deploy-models'
import { shellQuote, type Transport } from '../transport'
import { ExpectedError } from '../errors'
import { execChecked, hostPaths, looksLikeReleaseId, parseSections } from './remote'

/** What one round trip reads from a host's layout. */
export interface HostSnapshot {
  /** The release `current` points at, or null. */
  readonly current: string | null
  /** The release that was current before it (from `.slipway/previous`), or null. */
  readonly previous: string | null
  /** Releases present under `releases/`, oldest first (ids sort by time). */
  readonly releases: readonly string[]
  /** The lock file's text, '' when there is none. */
  readonly lockText: string
  /** Releases this host recorded as bad. */
  readonly badReleases: readonly string[]
  /** Free space where the base path is (or would be), in bytes; null when unknown. */
  readonly freeBytes: number | null
  /** sha256 recorded in `releases/<id>/.slipway-sha256` of the asked release, or null. */
  readonly releaseSha256: string | null
  /** `shared/` files named in the config that are missing. */
  readonly missingShared: readonly string[]
  /** Commands the engine needs that the host lacks. */
  readonly missingTools: readonly string[]
  /** The newest freeze override this host's log recorded, or null. */
  readonly freezeOverride: FreezeOverride | null
  /** Layout folders that exist but this login cannot write (`.`, `releases`, `shared`, `.slipway`). */
  readonly unwritable: readonly string[]
}

/** Checks a config `shared` entry: a relative path without `..`, so it stays under shared/. */
export function assertSharedPath(entry: string): void {
  const parts = entry.split('/')
  if (entry.startsWith('/') || parts.some((p) => p === '..' || p === '') || entry.startsWith('-')) {
    throw new ExpectedError(
      'bad-config',
      `shared entry must be a relative path inside shared/: ${entry}`,
      {
        entry
      }
    )
  }
}

/** Reads a host's layout in one command; `releaseId` asks for that release's recorded sha256. */
export async function readHostSnapshot(
  transport: Transport,
  options: { releaseId?: string; shared?: readonly string[]; signal?: AbortSignal } = {}
): Promise<HostSnapshot> {
  const p = hostPaths(transport.basePath)
  const shared = options.shared ?? []
  shared.forEach(assertSharedPath)
  const section = (name: string): string => `echo; echo @@${name}; `
  const command =
    section('current') +
    `readlink -- ${p.current} 2>/dev/null; ` +
    section('previous') +
    `cat -- ${p.previous} 2>/dev/null; ` +
    section('releases') +
    `ls -1 -- ${p.releases} 2>/dev/null; ` +
    section('lock') +
    `cat -- ${p.lock} 2>/dev/null; ` +
    section('bad') +
    `cat -- ${p.bad} 2>/dev/null; ` +
    section('df') +
    `d=${p.base}; while [ ! -d "$d" ]; do d=$(dirname -- "$d"); done; df -Pk -- "$d" | tail -n 1; ` +
    section('sha') +
    (options.releaseId
      ? `cat -- ${p.release(options.releaseId)}/.slipway-sha256 2>/dev/null; `
      : '') +
    section('missing') +
    (shared.length > 0
      ? `for f in ${shared.map(shellQuote).join(' ')}; do [ -e ${p.shared}/"$f" ] || printf '%s\\n' "$f"; done; `
      : '') +
    // The log only grows; the newest override is the last line that carries one.
    section('override') +
    `grep -F '"freezeOverride"' -- ${p.log} 2>/dev/null | tail -n 1; ` +
    // A deploy writes in each of these: a folder it cannot write stops it before anything is done.
    section('unwritable') +
    [
      ['.', p.base],
      ['releases', p.releases],
      ['shared', p.shared],
      ['.slipway', p.state]
    ]
      .map(([name, dir]) => `{ [ ! -e ${dir} ] || [ -w ${dir} ] || echo '${name}'; }; `)
      .join('') +
    section('tools') +
    `for c in sha256sum tar mv ln readlink df; do command -v "$c" >/dev/null 2>&1 || echo "$c"; done; ` +
    section('end')
  const out = await execChecked(transport, 'read host', command, {
    signal: options.signal
  })
  const s = parseSections(out)
  const text = (name: string): string => (s.get(name) ?? '').trim()
  const lines = (name: string): string[] =>
    text(name)
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '')
  const link = text('current')
  const currentId = link.split('/').pop() ?? ''
  const previous = text('previous')
  const dfFields = text('df').split(/\s+/)
  const availKb = Number(dfFields[3])
  return {
    current: looksLikeReleaseId(currentId) ? currentId : null,
    previous: looksLikeReleaseId(previous) ? previous : null,
    releases: lines('releases').filter(looksLikeReleaseId).sort(),
    lockText: text('lock'),
    badReleases: [...new Set(lines('bad').filter(looksLikeReleaseId))],
    freeBytes: Number.isFinite(availKb) && dfFields.length >= 4 ? availKb * 1024 : null,
    releaseSha256: /^[0-9a-f]{64}$/.test(text('sha')) ? text('sha') : null,
    missingShared: lines('missing'),
    missingTools: lines('tools'),
    freezeOverride: parseOverride(text('override')),
    unwritable: lines('unwritable')
  }
}

function parseOverride(line: string): FreezeOverride | null {
  if (line === '') return null
  try {
    const entry = JSON.parse(line) as { freezeOverride?: unknown }
    const parsed = FreezeOverrideSchema.safeParse(entry.freezeOverride)
    return parsed.success ? parsed.data : null
  } catch {
    // A torn line: no override is claimed from it.
    return null
  }
}
