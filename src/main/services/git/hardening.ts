import { spawn } from 'node:child_process'
import { stat } from 'node:fs/promises'
import { join } from 'node:path'

/**
 * Settings in a repository's own config (`.git/config`, `config.worktree`, files they include)
 * that make git run a program during Slipway's own calls. Whoever gave you the repository
 * wrote them; Slipway overrides each one on its command line. Keys are lower-cased as git
 * prints them; `*` stands for a driver or remote name.
 */
const EXEC_KEYS: readonly RegExp[] = [
  /^filter\.(.+)\.(clean|smudge|process)$/,
  /^merge\.(.+)\.driver$/,
  /^diff\.(.+)\.(textconv|command)$/,
  /^core\.(sshcommand|askpass|gitproxy|alternaterefscommand)$/,
  /^credential\.helper$/,
  /^credential\.(.+)\.helper$/,
  /^protocol\.(.+)\.allow$/,
  /^protocol\.allow$/
]

/** What replaces a repository-scoped value when the user's own config has none. */
function neutral(key: string): string {
  if (key.endsWith('.driver')) return 'false' // a merge that always conflicts, never a program
  if (key === 'core.sshcommand') return 'ssh'
  if (key === 'protocol.ext.allow') return 'never'
  if (key === 'protocol.allow' || /^protocol\..+\.allow$/.test(key)) return 'user'
  return '' // an empty filter, textconv, helper or askpass: git runs nothing
}

/** One entry of `git config --list --show-scope -z`. */
export interface ScopedSetting {
  readonly scope: string
  readonly key: string
  readonly value: string
}

/** Parses `git config --list --show-scope -z` (`scope\0key\nvalue\0`…). */
export function parseScopedConfig(text: string): ScopedSetting[] {
  const parts = text.split('\0')
  const out: ScopedSetting[] = []
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const entry = parts[i + 1] as string
    const nl = entry.indexOf('\n')
    const key = (nl < 0 ? entry : entry.slice(0, nl)).toLowerCase()
    out.push({ scope: parts[i] as string, key, value: nl < 0 ? '' : entry.slice(nl + 1) })
  }
  return out
}

/**
 * The `-c` overrides that neutralise every program-running setting the repository's own
 * config (scope local or worktree) sets: an empty filter driver, `false` as merge driver,
 * `ssh` as `core.sshCommand`, … A value the user's global or system config sets for the
 * same key is put back after the reset, so their own ssh command or credential helper works.
 */
export function overridesFor(settings: readonly ScopedSetting[]): string[] {
  const repoKeys = new Set<string>()
  for (const s of settings) {
    if ((s.scope === 'local' || s.scope === 'worktree') && EXEC_KEYS.some((re) => re.test(s.key)))
      repoKeys.add(s.key)
  }
  const args: string[] = []
  const filters = new Set<string>()
  for (const key of [...repoKeys].sort()) {
    const own = settings.filter(
      (s) => s.key === key && (s.scope === 'global' || s.scope === 'system')
    )
    const filter = /^filter\.(.+)\.[^.]+$/.exec(key)?.[1]
    if (filter) filters.add(filter)
    if (key.endsWith('.helper')) {
      // A list: an empty value resets it, then the user's own helpers come back.
      args.push('-c', `${key}=`)
      for (const s of own) args.push('-c', `${key}=${s.value}`)
    } else {
      args.push(
        '-c',
        `${key}=${own.length > 0 ? (own.at(-1) as ScopedSetting).value : neutral(key)}`
      )
    }
  }
  for (const f of filters) args.push('-c', `filter.${f}.required=false`)
  return args
}

/** What {@link hardeningArgs} adds to one git call. */
export interface Hardening {
  /** `-c` overrides, before the verb. */
  readonly config: readonly string[]
  /**
   * Options per verb: a remote's `uploadpack` / `receivepack` cannot be overridden with `-c`
   * (git uses the first value it reads), only by the verb's own `--upload-pack`.
   */
  readonly verbOptions: Readonly<Record<string, readonly string[]>>
}

/** The verb options that replace a repository's `remote.*.uploadpack` / `receivepack`. */
export function verbOptionsFor(settings: readonly ScopedSetting[]): Hardening['verbOptions'] {
  const local = settings.filter((s) => s.scope === 'local' || s.scope === 'worktree')
  const out: Record<string, string[]> = {}
  if (local.some((s) => /^remote\..+\.uploadpack$/.test(s.key))) {
    for (const verb of ['fetch', 'ls-remote', 'pull']) out[verb] = ['--upload-pack=git-upload-pack']
  }
  if (local.some((s) => /^remote\..+\.receivepack$/.test(s.key))) {
    out.push = ['--receive-pack=git-receive-pack']
  }
  return out
}

const NONE: Hardening = { config: [], verbOptions: {} }

interface Cached {
  readonly at: number
  readonly mtime: number
  readonly hardening: Promise<Hardening>
}
const cache = new Map<string, Cached>()
const TTL_MS = 10_000
let probes = 0

/** How many config reads {@link hardeningArgs} has made (not counted as git commands). */
export function configProbeCount(): number {
  return probes
}

/**
 * The overrides for git calls in `cwd` (see {@link overridesFor}, {@link verbOptionsFor}), from one
 * `git config --list --show-scope` per repository, cached until `.git/config` changes or
 * for 10 s. Reading config runs no program.
 */
export async function hardeningArgs(cwd: string): Promise<Hardening> {
  const mtime = await stat(join(cwd, '.git', 'config')).then(
    (s) => s.mtimeMs,
    () => -1
  )
  const hit = cache.get(cwd)
  if (hit && hit.mtime === mtime && Date.now() - hit.at < TTL_MS) return hit.hardening
  const hardening = readScoped(cwd).then(
    (settings) => ({ config: overridesFor(settings), verbOptions: verbOptionsFor(settings) }),
    () => NONE
  )
  cache.set(cwd, { at: Date.now(), mtime, hardening })
  if (cache.size > 200) cache.delete(cache.keys().next().value as string)
  return hardening
}

function readScoped(cwd: string): Promise<ScopedSetting[]> {
  probes += 1
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['config', '--list', '--show-scope', '-z'], {
      cwd,
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
      stdio: ['ignore', 'pipe', 'ignore']
    })
    const out: Buffer[] = []
    child.stdout.on('data', (b: Buffer) => out.push(b))
    child.on('error', reject)
    child.on('close', () => resolve(parseScopedConfig(Buffer.concat(out).toString('utf8'))))
  })
}
