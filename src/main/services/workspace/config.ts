import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import {
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  visit,
  type Node as YamlNode
} from 'yaml'
import type { z } from 'zod'
import { SlipwayConfigSchema, type SlipwayConfig } from '../../../shared/config-schema'
import type { ConfigProblem } from '../../../shared/models'
import { closestName, keysAllowedAt } from './schema-keys'

/** The file names Slipway reads at the repository root, in order of preference. */
export const CONFIG_FILE_NAMES = ['slipway.yml', 'slipway.yaml'] as const

/** The config in effect when there is no `slipway.yml` or it has problems. */
export const DEFAULT_CONFIG: SlipwayConfig = SlipwayConfigSchema.parse({})

/** What {@link loadConfig} found: the effective config, where it came from, and any problems. */
export interface LoadedConfig {
  readonly config: SlipwayConfig
  readonly source: 'file' | 'defaults'
  readonly problems: readonly ConfigProblem[]
}

// A pipeline file is a few kilobytes; refuse to parse something that is clearly not one.
const MAX_CONFIG_BYTES = 1024 * 1024

type Issue = z.core.$ZodIssue
type PathKey = PropertyKey

/**
 * Reads `slipway.yml` (or `slipway.yaml`) at `repoRoot`. A missing file gives the defaults with
 * no problems; a file with YAML or schema problems gives the defaults plus each problem located
 * at its line and column. Never throws for a bad file.
 */
export async function loadConfig(repoRoot: string): Promise<LoadedConfig> {
  const found = await findConfigFile(repoRoot)
  if (!found) return { config: DEFAULT_CONFIG, source: 'defaults', problems: [] }
  const { name, path } = found
  const defaults = (problems: ConfigProblem[]): LoadedConfig => ({
    config: DEFAULT_CONFIG,
    source: 'defaults',
    problems
  })
  let text: string
  try {
    const info = await stat(path)
    if (!info.isFile()) return defaults([problem(name, null, `${name} is not a regular file`)])
    if (info.size > MAX_CONFIG_BYTES) {
      return defaults([problem(name, null, `${name} is larger than 1 MB; is it the right file?`)])
    }
    text = await readFile(path, 'utf8')
  } catch (e) {
    return defaults([problem(name, null, `could not read ${name}: ${(e as Error).message}`)])
  }
  const parsed = parseConfigText(text, name)
  return parsed.problems.length > 0 || !parsed.config
    ? defaults(parsed.problems)
    : { config: parsed.config, source: 'file', problems: [] }
}

/**
 * Parses and validates the text of a pipeline file; `file` only labels the problems. The config
 * is null when there are problems.
 */
export function parseConfigText(
  text: string,
  file = 'slipway.yml'
): { readonly config: SlipwayConfig | null; readonly problems: ConfigProblem[] } {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true })
  const at = (offset: number | undefined): { line: number; column: number } | null => {
    if (offset === undefined) return null
    const pos = lineCounter.linePos(offset)
    return { line: pos.line, column: pos.col }
  }
  if (doc.errors.length > 0) {
    const problems = doc.errors.map((err) => problem(file, at(err.pos[0]), firstLine(err.message)))
    return { config: null, problems }
  }
  let raw: unknown
  try {
    raw = doc.toJS({ maxAliasCount: 100 }) ?? {}
  } catch (e) {
    // Alias errors (unresolved, too many: a billion-laughs file) carry no position: point at
    // the first alias, else the document's start, so the problem still reads file:line:col.
    let offset = doc.contents?.range?.[0] ?? 0
    visit(doc, {
      Alias(_key, node) {
        offset = node.range?.[0] ?? offset
        return visit.BREAK
      }
    })
    return { config: null, problems: [problem(file, at(offset), firstLine((e as Error).message))] }
  }
  if (typeof raw !== 'object' || Array.isArray(raw) || raw === null) {
    const where = at(doc.contents?.range?.[0])
    return {
      config: null,
      problems: [problem(file, where, `expected a mapping of settings, got ${describe(raw)}`)]
    }
  }
  const result = SlipwayConfigSchema.safeParse(raw)
  if (result.success) return { config: result.data, problems: [] }
  const located = [
    ...result.error.issues.flatMap((issue) => explainIssue(issue, [], raw)),
    // zod skips the uniqueness refinement while any environment is invalid; check it always.
    ...duplicateEnvironmentNames(raw)
  ]
  const problems = located.map(({ path, message }) => {
    const node = locate(doc.contents as YamlNode | null, path)
    return problem(file, at(node), `${formatPath(path)}: ${message}`)
  })
  problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0))
  return { config: null, problems }
}

/** One problem as a single line: `slipway.yml:7:5: reason` (no line when unknown). */
export function formatConfigProblem(p: ConfigProblem): string {
  if (p.line === null) return `${p.file}: ${p.message}`
  return p.column === null
    ? `${p.file}:${p.line}: ${p.message}`
    : `${p.file}:${p.line}:${p.column}: ${p.message}`
}

/** The pipeline file at `repoRoot`, if there is one (in order of preference). */
export async function findConfigFile(
  repoRoot: string
): Promise<{ name: string; path: string } | null> {
  for (const name of CONFIG_FILE_NAMES) {
    const path = join(repoRoot, name)
    if (await stat(path).catch(() => null)) return { name, path }
  }
  return null
}

function problem(
  file: string,
  where: { line: number; column: number } | null,
  message: string
): ConfigProblem {
  return {
    file,
    line: where?.line ?? null,
    column: where?.column ?? null,
    message: oneLine(message)
  }
}

// Keys and values in messages come from the file: control characters (a CR in a key) are
// escaped and a long value is cut, so a problem always prints as one readable line.
function oneLine(message: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is escaped
  const escaped = message.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) =>
    c === '\n' ? ' ' : JSON.stringify(c).slice(1, -1)
  )
  return escaped.length > 300 ? `${escaped.slice(0, 299)}…` : escaped
}

function firstLine(message: string): string {
  return message.split('\n')[0]?.trim() ?? message
}

/** `environments[0].hosts` from `['environments', 0, 'hosts']`. */
function formatPath(path: readonly PathKey[]): string {
  if (path.length === 0) return '(top level)'
  return path
    .map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`))
    .join('')
}

function valueAt(root: unknown, path: readonly PathKey[]): unknown {
  let cur: unknown = root
  for (const key of path) {
    if (typeof cur !== 'object' || cur === null) return undefined
    cur = (cur as Record<PropertyKey, unknown>)[key]
  }
  return cur
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing'
  if (value === null) return 'an empty value'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'a mapping'
  if (typeof value === 'boolean') return `a boolean (${value})`
  if (typeof value === 'number') return `a number (${value})`
  if (typeof value === 'string') return `a string (${JSON.stringify(value)})`
  return typeof value
}

function expectedName(expected: string): string {
  switch (expected) {
    case 'object':
      return 'a mapping'
    case 'array':
      return 'a list'
    case 'string':
      return 'a string'
    case 'number':
      return 'a number'
    case 'int':
      return 'a whole number'
    case 'boolean':
      return 'true or false'
    default:
      return expected
  }
}

interface Located {
  readonly path: readonly PathKey[]
  readonly message: string
}

/** Turns one zod issue into user-facing problems with absolute paths into the document. */
function explainIssue(issue: Issue, base: readonly PathKey[], raw: unknown): Located[] {
  const path = [...base, ...issue.path]
  switch (issue.code) {
    case 'invalid_type': {
      const actual = valueAt(raw, path)
      const want = expectedName(issue.expected)
      if (actual === undefined) return [{ path, message: `required (${want})` }]
      return [{ path, message: `expected ${want}, got ${describe(actual)}` }]
    }
    case 'unrecognized_keys':
      return issue.keys.map((key) => {
        const allowed = keysAllowedAt(SlipwayConfigSchema, path, raw)
        const guess = allowed ? closestName(key, allowed) : null
        const hint = guess
          ? ` (did you mean "${guess}"?)`
          : allowed
            ? ` (allowed: ${allowed.join(', ')})`
            : ''
        return { path: [...path, key], message: `unknown key${hint}` }
      })
    case 'invalid_union':
      return explainUnion(issue, path, raw)
    case 'custom':
      return explainCustom(issue, path)
    default:
      return [{ path, message: issue.message.replace(/^Invalid input: /, '') }]
  }
}

function explainUnion(
  issue: Extract<Issue, { code: 'invalid_union' }>,
  path: PathKey[],
  raw: unknown
): Located[] {
  const value = valueAt(raw, path)
  const branches = issue.errors
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    if (branches.every((b) => b.some((i) => i.code === 'invalid_type' && i.path.length === 0))) {
      return [{ path, message: `expected a mapping, got ${describe(value)}` }]
    }
  }
  // Hosts are the one union: say which keys make each kind instead of echoing both branches.
  const isHost = path.length >= 2 && path[path.length - 2] === 'hosts'
  if (isHost && typeof value === 'object' && value !== null) {
    const keys = Object.keys(value)
    if (!keys.includes('local') && !keys.includes('host')) {
      return [
        {
          path,
          message:
            'a host needs either `local: <folder>` or `host: <name>` with `path: </absolute/path>`'
        }
      ]
    }
  }
  // Otherwise report the branch that came closest (fewest issues).
  const best = [...branches].sort((a, b) => a.length - b.length)[0] ?? []
  if (best.length === 0) return [{ path, message: issue.message }]
  return best.flatMap((i) => explainIssue(i, path, raw))
}

function explainCustom(issue: Issue, path: PathKey[]): Located[] {
  // Reported by duplicateEnvironmentNames at the repeated name instead of at the whole list.
  if (path.length === 1 && path[0] === 'environments') return []
  return [{ path, message: issue.message }]
}

function duplicateEnvironmentNames(raw: unknown): Located[] {
  const envs = valueAt(raw, ['environments'])
  if (!Array.isArray(envs)) return []
  const seen = new Map<string, number>()
  const repeats: Located[] = []
  envs.forEach((env: unknown, i) => {
    const name = (env as { name?: unknown } | null)?.name
    if (typeof name !== 'string') return
    const first = seen.get(name)
    if (first === undefined) seen.set(name, i)
    else {
      repeats.push({
        path: ['environments', i, 'name'],
        message: `environment name ${JSON.stringify(name)} is already used by environments[${first}]`
      })
    }
  })
  return repeats
}

/**
 * The node to point at for `path`: the key of a mapping entry (so the line reads `key: ...`),
 * the item of a list, or the deepest existing ancestor when part of the path is missing.
 */
function locate(root: YamlNode | null, path: readonly PathKey[]): number | undefined {
  let node: unknown = root
  let offset = root?.range?.[0]
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(key))
      if (!pair) break
      const keyNode = pair.key as YamlNode
      offset = keyNode.range?.[0] ?? offset
      node = pair.value
    } else if (isSeq(node) && typeof key === 'number') {
      const item = node.items[key] as YamlNode | undefined
      if (!item) break
      offset = item.range?.[0] ?? offset
      node = item
    } else {
      break
    }
  }
  return offset
}
