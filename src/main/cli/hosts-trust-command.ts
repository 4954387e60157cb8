import { readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { HostKeyScan } from '../../shared/contract-deploy'
import type { ApiError } from '../../shared/errors'
import { ensurePrivateDir, PRIVATE_FILE, type Router } from '../api'
import { askYesNo } from './ask'
import { unwrap, type CliIo } from './cli-router'

/** `slipway hosts trust ENV [--yes | --fingerprint [HOST=]SHA256:…]`. */
export interface HostsTrustCommand {
  readonly environment: string
  /** Trust exactly the keys the previous run showed (refused when a key differs now). */
  readonly yes: boolean
  /** Fingerprints the user compared, each for any host or for `HOST=` only. */
  readonly fingerprints: readonly string[]
}

// The unknown keys a run without a terminal showed, so a later --yes trusts those and no
// other: environment → `address:port` → fingerprint. A file in the data folder, 0600.
type Shown = Record<string, Record<string, string>>
const SHOWN_FILE = 'hosts-shown.json'

/**
 * Shows the host keys of an environment and trusts the unknown ones the user accepts: on a
 * terminal by asking about each; in scripts only a key whose fingerprint the user passed with
 * `--fingerprint`, or with `--yes` exactly the key the previous run showed. A key that differs
 * from the one compared is refused, naming both fingerprints. Exit code 1 when any host stays
 * untrusted, changed or unreachable.
 */
export async function trustHosts(
  command: HostsTrustCommand,
  router: Router,
  io: CliIo,
  dataDir: string,
  explain: (error: ApiError) => string
): Promise<number> {
  const scans = unwrap(
    await router.call('hosts.scan', { environment: command.environment }),
    explain
  )
  const shownFile = join(dataDir, SHOWN_FILE)
  const shown = await readShown(shownFile)
  const before = shown[command.environment] ?? {}
  const now: Record<string, string> = {}
  const given = command.fingerprints.map(parseFingerprintArg)
  const used = new Set<number>()
  const interactive = command.fingerprints.length === 0 && !command.yes
  let failed = false
  for (const scan of scans) {
    io.stdout(`${describeScan(scan)}\n`)
    if (scan.state === 'changed' || scan.state === 'unreachable') failed = true
    if (scan.state !== 'unknown' || !scan.key || !scan.keyType || !scan.fingerprint) continue
    const where = `${scan.address}:${scan.port}`
    let accept: boolean
    if (command.fingerprints.length > 0) {
      const forHost = given.filter(
        (g) => g.host === null || g.host === scan.host || g.host === scan.address
      )
      const match = forHost.findIndex((g) => g.fingerprint === scan.fingerprint)
      accept = match >= 0
      if (accept) used.add(given.indexOf(forHost[match] as (typeof given)[number]))
      else {
        io.stderr(
          `slipway: ${scan.host}: the key offered now (${scan.fingerprint}) is not the one you gave; not trusted\n`
        )
      }
    } else if (command.yes) {
      const compared = before[where]
      accept = compared === scan.fingerprint
      if (compared === undefined) {
        io.stderr(
          `slipway: ${scan.host}: this key was not shown before; compare its fingerprint, then run: slipway hosts trust ${command.environment} --fingerprint ${scan.fingerprint}\n`
        )
      } else if (!accept) {
        io.stderr(
          `slipway: ${scan.host}: the key offered now (${scan.fingerprint}) differs from the one shown before (${compared}); not trusted (someone may be in between)\n`
        )
      }
    } else {
      const answer = await askYesNo(`Trust this key for ${scan.host}? [y/N] `)
      if (answer === null) {
        now[where] = scan.fingerprint
        failed = true
        continue
      }
      accept = answer
    }
    if (!accept) {
      failed = true
      continue
    }
    unwrap(
      await router.call('hosts.trustKey', {
        host: scan.address,
        port: scan.port,
        keyType: scan.keyType,
        key: scan.key
      }),
      explain
    )
    io.stdout(`trusted ${scan.keyType} ${scan.fingerprint} for ${scan.host}\n`)
  }
  given.forEach((g, i) => {
    if (!used.has(i))
      io.stderr(`slipway: ${g.text} matched no unknown host key of ${command.environment}\n`)
  })
  if (interactive && Object.keys(now).length > 0) {
    await writeShown(shownFile, { ...shown, [command.environment]: now })
    const args = Object.values(now)
      .map((f) => `--fingerprint ${f}`)
      .join(' ')
    io.stderr(
      `slipway: not a terminal; compare the fingerprints with the hosts' own (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub), then run: slipway hosts trust ${command.environment} ${args}\n` +
        `  (or --yes, which trusts exactly the keys shown here and refuses any other)\n`
    )
  }
  return failed ? 1 : 0
}

/** `[HOST=]SHA256:…` as given on the command line. */
function parseFingerprintArg(text: string): {
  readonly text: string
  readonly host: string | null
  readonly fingerprint: string
} {
  const at = text.lastIndexOf('=', text.indexOf('SHA256:'))
  return at > 0 && text.indexOf('SHA256:') > at
    ? { text, host: text.slice(0, at), fingerprint: text.slice(at + 1) }
    : { text, host: null, fingerprint: text }
}

/** One line per host: its state, with the key type and fingerprint of an unknown key. */
export function describeScan(scan: HostKeyScan): string {
  switch (scan.state) {
    case 'local':
      return `${scan.host}: local folder, no host key`
    case 'trusted':
      return `${scan.host}: host key trusted`
    case 'unknown':
      return `${scan.host} (${scan.address}:${scan.port}): UNKNOWN host key ${scan.keyType ?? ''} ${scan.fingerprint ?? ''}`
    case 'changed':
      return `${scan.host}: ${scan.message}`
    case 'unreachable':
      return `${scan.host}: not reachable: ${scan.message}`
  }
}

async function readShown(file: string): Promise<Shown> {
  try {
    const value: unknown = JSON.parse(await readFile(file, 'utf8'))
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Shown)
      : {}
  } catch {
    return {}
  }
}

async function writeShown(file: string, shown: Shown): Promise<void> {
  await ensurePrivateDir(join(file, '..'))
  const tmp = `${file}.${process.pid}.tmp`
  await writeFile(tmp, `${JSON.stringify(shown, null, 2)}\n`, { mode: PRIVATE_FILE })
  await rename(tmp, file)
}
