import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { homedir } from 'node:os'
import { isAbsolute, join } from 'node:path'
import { knownHostsList, loadSshConfig, type SshHostSettings } from './ssh-config'

/** The identity files OpenSSH lists by itself when a config names none (`ssh -G` prints them). */
const DEFAULT_IDENTITIES = [
  'id_rsa',
  'id_ecdsa',
  'id_ecdsa_sk',
  'id_ed25519',
  'id_ed25519_sk',
  'id_xmss',
  'id_dsa'
].map((f) => `~/.ssh/${f}`)

/**
 * True for a name that may be handed to `ssh -G` as its destination: letters, digits, `.`,
 * `_`, `-` (not first) or an IPv6 address, nothing ssh could read as an option or a user.
 */
export function isEvaluableHost(name: string): boolean {
  return (
    name.length > 0 &&
    name.length <= 253 &&
    !name.startsWith('-') &&
    (/^[A-Za-z0-9._-]+$/.test(name) || /^[0-9A-Fa-f:.]+$/.test(name))
  )
}

/** Options for {@link resolveHostSettings}. */
export interface ResolveOptions {
  /** The ssh config file; default ~/.ssh/config; null: none (defaults only). */
  readonly configPath?: string | null
  /** The OpenSSH client; default `ssh` on PATH. */
  readonly sshBinary?: string
  readonly home?: string
}

/**
 * What ~/.ssh/config says about `alias`, evaluated by OpenSSH itself (`ssh -G -F FILE -- alias`)
 * where a client exists, so `Match` blocks, `Include` inside them and every token work as ssh
 * sees them; where none exists (or it refuses the file), Slipway's own parser answers.
 */
export async function resolveHostSettings(
  alias: string,
  options: ResolveOptions = {}
): Promise<SshHostSettings> {
  const home = options.home ?? homedir()
  const file = options.configPath === undefined ? join(home, '.ssh', 'config') : options.configPath
  if (file !== null && existsSync(file) && isEvaluableHost(alias)) {
    const printed = await sshG(options.sshBinary ?? 'ssh', file, alias)
    if (printed !== null) return parseSshG(printed, home)
  }
  return (await loadSshConfig(file)).resolve(alias)
}

/** `ssh -G` output, or null when there is no client or it failed (then the parser answers). */
function sshG(binary: string, file: string, alias: string): Promise<string | null> {
  return new Promise((resolve) => {
    // No shell; `--` ends ssh's options, so the name is only ever the destination.
    execFile(
      binary,
      ['-G', '-F', file, '--', alias],
      { timeout: 5_000, maxBuffer: 1024 * 1024 },
      (err, stdout) => resolve(err ? null : stdout)
    )
  })
}

/** Reads `ssh -G` output (`key value` lines, keys in lower case) into settings. */
export function parseSshG(text: string, home = homedir()): SshHostSettings {
  const first = new Map<string, string>()
  const identities: string[] = []
  for (const line of text.split('\n')) {
    const at = line.indexOf(' ')
    if (at <= 0) continue
    const key = line.slice(0, at).toLowerCase()
    const value = line.slice(at + 1).trim()
    if (key === 'identityfile') identities.push(value)
    else if (!first.has(key)) first.set(key, value)
  }
  const expand = (f: string): string => {
    if (f === '~' || f.startsWith('~/')) return join(home, f.slice(1))
    return isAbsolute(f) ? f : join(home, '.ssh', f)
  }
  // ssh lists its defaults when the config names no IdentityFile: that is "none configured".
  const configured =
    identities.length === DEFAULT_IDENTITIES.length &&
    identities.every((f, i) => f === DEFAULT_IDENTITIES[i])
      ? []
      : identities
  const port = first.get('port')
  const jump = first.get('proxyjump')
  const userFiles = first.get('userknownhostsfile')
  const globalFiles = first.get('globalknownhostsfile')
  const keyAlias = first.get('hostkeyalias')
  const bind = first.get('bindaddress')
  const hostName = first.get('hostname')
  const user = first.get('user')
  return {
    ...(hostName ? { hostName } : {}),
    ...(user ? { user } : {}),
    ...(port && /^\d+$/.test(port) ? { port: Number(port) } : {}),
    identityFiles: configured.filter((f) => f.toLowerCase() !== 'none').map(expand),
    ...(jump && jump.toLowerCase() !== 'none' ? { proxyJump: jump } : {}),
    ...(userFiles ? { userKnownHostsFiles: knownHostsList(userFiles, expand) } : {}),
    ...(globalFiles ? { globalKnownHostsFiles: knownHostsList(globalFiles, expand) } : {}),
    ...(keyAlias && keyAlias.toLowerCase() !== 'none' ? { hostKeyAlias: keyAlias } : {}),
    ...(bind ? { bindAddress: bind } : {})
  }
}
