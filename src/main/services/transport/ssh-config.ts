import { readFile, readdir } from 'node:fs/promises'
import { homedir } from 'node:os'
import { basename, dirname, isAbsolute, join } from 'node:path'
import { wildcardMatch } from './known-hosts'

/** What ~/.ssh/config says about one host alias (only the options Slipway honours). */
export interface SshHostSettings {
  readonly hostName?: string
  readonly user?: string
  readonly port?: number
  /** In file order, `~` and `%d %u %h %r` expanded. */
  readonly identityFiles: readonly string[]
  /** `[user@]host[:port]`, comma-separated hops; absent or `none` means direct. */
  readonly proxyJump?: string
  /** `UserKnownHostsFile`: the files, expanded (`none`: empty); absent: OpenSSH's default. */
  readonly userKnownHostsFiles?: readonly string[]
  /** `GlobalKnownHostsFile`, likewise. */
  readonly globalKnownHostsFiles?: readonly string[]
  /** `HostKeyAlias`: the name host keys are looked up and recorded under, instead of the host's. */
  readonly hostKeyAlias?: string
  /** `BindAddress`: the local address connections to this host are made from. */
  readonly bindAddress?: string
}

/** Splits a known-hosts file list (`none` alone means no file). */
export function knownHostsList(value: string, expand: (file: string) => string): string[] {
  const words = splitWords(value)
  if (words.length === 1 && words[0]?.toLowerCase() === 'none') return []
  return words.map(expand)
}

interface Block {
  /** Host patterns; null for the lines before the first Host (apply to all). */
  readonly patterns: readonly string[] | null
  /** A `Match` block: Slipway does not evaluate Match criteria and skips these. */
  readonly skipped: boolean
  readonly options: readonly (readonly [string, string])[]
}

/**
 * Parsed ~/.ssh/config, answering per host like OpenSSH: the first value of an option wins.
 * The fallback where no OpenSSH client exists; see ssh-config-eval.ts for `ssh -G`.
 */
export interface SshConfig {
  resolve(alias: string): SshHostSettings
}

/**
 * Parses ssh_config text: `Host` blocks with `*`, `?` and `!negated` patterns, `Key value` and
 * `Key=value`, quoted values, comments. `Match` blocks are skipped (see {@link loadSshConfig} for
 * `Include`).
 */
export function parseSshConfig(text: string, home = homedir()): SshConfig {
  const blocks: Block[] = []
  let current: { patterns: string[] | null; skipped: boolean; options: [string, string][] } = {
    patterns: null,
    skipped: false,
    options: []
  }
  blocks.push(current)
  for (const rawLine of text.split('\n')) {
    const line = rawLine.trim()
    if (line === '' || line.startsWith('#')) continue
    const m = /^(\S+?)(?:\s*=\s*|\s+)(.*)$/.exec(line)
    if (!m) continue
    const key = m[1].toLowerCase()
    const words = splitWords(m[2])
    if (key === 'host') {
      current = { patterns: words, skipped: false, options: [] }
      blocks.push(current)
    } else if (key === 'match') {
      current = { patterns: [], skipped: true, options: [] }
      blocks.push(current)
    } else if (words.length > 0) {
      current.options.push([key, words.join(' ')])
    }
  }

  return {
    resolve(alias: string): SshHostSettings {
      const first = new Map<string, string>()
      const identityFiles: string[] = []
      for (const block of blocks) {
        if (block.skipped) continue
        if (block.patterns !== null && !hostMatches(block.patterns, alias)) continue
        for (const [key, value] of block.options) {
          if (key === 'identityfile') identityFiles.push(value)
          else if (!first.has(key)) first.set(key, value)
        }
      }
      const hostName = first.get('hostname')?.replace(/%h/g, alias).replace(/%%/g, '%')
      const user = first.get('user')
      const portText = first.get('port')
      const port = portText && /^\d+$/.test(portText) ? Number(portText) : undefined
      const tokens = (s: string): string =>
        s.replace(/%([%dhur])/g, (_, t: string) => {
          if (t === '%') return '%'
          if (t === 'd') return home
          if (t === 'h') return hostName ?? alias
          return user ?? ''
        })
      const expand = (f: string): string => {
        const t = tokens(f)
        if (t === '~' || t.startsWith('~/')) return join(home, t.slice(1))
        return isAbsolute(t) ? t : join(home, '.ssh', t)
      }
      const jump = first.get('proxyjump')
      const userFiles = first.get('userknownhostsfile')
      const globalFiles = first.get('globalknownhostsfile')
      const alias_ = first.get('hostkeyalias')
      const bind = first.get('bindaddress')
      return {
        ...(hostName ? { hostName } : {}),
        ...(user ? { user } : {}),
        ...(port ? { port } : {}),
        identityFiles: identityFiles.filter((f) => f.toLowerCase() !== 'none').map(expand),
        ...(jump && jump.toLowerCase() !== 'none' ? { proxyJump: jump } : {}),
        ...(userFiles ? { userKnownHostsFiles: knownHostsList(userFiles, expand) } : {}),
        ...(globalFiles ? { globalKnownHostsFiles: knownHostsList(globalFiles, expand) } : {}),
        ...(alias_ ? { hostKeyAlias: alias_ } : {}),
        ...(bind ? { bindAddress: bind } : {})
      }
    }
  }
}

/**
 * Reads and parses an ssh config file (a missing file is an empty config). `Include` lines are
 * replaced by the files they name (relative to ~/.ssh, `*`/`?` globs in the file name, sorted),
 * up to 16 levels deep, which is how OpenSSH reads them outside `Match`.
 */
export async function loadSshConfig(
  file: string | null = join(homedir(), '.ssh', 'config')
): Promise<SshConfig> {
  const text = file ? await readWithIncludes(file, 0) : ''
  return parseSshConfig(text)
}

async function readWithIncludes(file: string, depth: number): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '')
  if (depth > 16) return ''
  const out: string[] = []
  for (const line of text.split('\n')) {
    const m = /^\s*include(?:\s*=\s*|\s+)(.*)$/i.exec(line)
    if (!m) {
      out.push(line)
      continue
    }
    for (const pattern of splitWords(m[1])) {
      for (const included of await expandInclude(pattern)) {
        out.push(await readWithIncludes(included, depth + 1))
      }
    }
  }
  return out.join('\n')
}

async function expandInclude(pattern: string): Promise<string[]> {
  const home = homedir()
  const path =
    pattern === '~' || pattern.startsWith('~/')
      ? join(home, pattern.slice(1))
      : isAbsolute(pattern)
        ? pattern
        : join(home, '.ssh', pattern)
  const name = basename(path)
  if (!/[*?]/.test(name)) return [path]
  const entries = await readdir(dirname(path)).catch(() => [] as string[])
  return entries
    .filter((e) => wildcardMatch(name, e))
    .sort()
    .map((e) => join(dirname(path), e))
}

/** One ProxyJump hop, `[user@]host[:port]` or `ssh://[user@]host[:port]`. */
export interface JumpHop {
  readonly user?: string
  readonly host: string
  readonly port?: number
}

/** Splits a ProxyJump value into hops, first hop first. */
export function parseProxyJump(value: string): JumpHop[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((hop) => {
      const m = /^(?:ssh:\/\/)?(?:([^@]+)@)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(hop)
      if (!m) throw new Error(`not a ProxyJump hop: ${hop}`)
      const host = m[2].replace(/^\[|\]$/g, '')
      return {
        ...(m[1] ? { user: m[1] } : {}),
        host,
        ...(m[3] ? { port: Number(m[3]) } : {})
      }
    })
}

function hostMatches(patterns: readonly string[], alias: string): boolean {
  let matched = false
  for (const raw of patterns) {
    const negated = raw.startsWith('!')
    const pattern = negated ? raw.slice(1) : raw
    if (wildcardMatch(pattern.toLowerCase(), alias.toLowerCase())) {
      if (negated) return false
      matched = true
    }
  }
  return matched
}

function splitWords(text: string): string[] {
  const words: string[] = []
  const re = /"([^"]*)"|(\S+)/g
  let m: RegExpExecArray | null
  while ((m = re.exec(text)) !== null) {
    if (m[2]?.startsWith('#')) break
    words.push(m[1] ?? m[2])
  }
  return words
}
