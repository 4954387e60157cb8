import { UsageError, given, parseWith } from './parse-options'

/** `slipway test <branch|sha>`: run the tests of one branch tip (or its merge result) now. */
export interface TestCliCommand {
  readonly kind: 'test'
  readonly target: string
  readonly workspace: string
  readonly merge: boolean
  readonly force: boolean
  /** Trust the workspace's commands without asking (scripts). */
  readonly trust: boolean
  readonly dataDir: string | null
}

/** `slipway runs`: the stored test runs, newest first. */
export interface RunsCliCommand {
  readonly kind: 'runs'
  readonly workspace: string
  readonly branch: string | null
  readonly limit: number
  readonly json: boolean
  readonly dataDir: string | null
}

/** Parses the arguments after `test`; null when `--help` was asked for. */
export function parseTestCommand(args: readonly string[], cwd: string): TestCliCommand | null {
  const { values, positionals } = parseWith(args, {
    'data-dir': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
    workspace: { type: 'string', short: 'w' },
    merge: { type: 'boolean' },
    force: { type: 'boolean' },
    trust: { type: 'boolean' }
  })
  if (values.help) return null
  const [target, ...extra] = positionals
  if (target === undefined || target.trim() === '') {
    throw new UsageError('test needs a branch or a commit (try: slipway test main)')
  }
  if (extra.length > 0)
    throw new UsageError(`unexpected argument ${extra[0]} (try: slipway --help)`)
  return {
    kind: 'test',
    target,
    workspace: given('--workspace', values.workspace) ?? cwd,
    merge: values.merge ?? false,
    force: values.force ?? false,
    trust: values.trust ?? false,
    dataDir: given('--data-dir', values['data-dir']) ?? null
  }
}

/** Parses the arguments after `runs`; null when `--help` was asked for. */
export function parseRunsCommand(args: readonly string[], cwd: string): RunsCliCommand | null {
  const { values, positionals } = parseWith(args, {
    'data-dir': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
    workspace: { type: 'string', short: 'w' },
    branch: { type: 'string', short: 'b' },
    limit: { type: 'string', short: 'n' },
    json: { type: 'boolean' }
  })
  if (values.help) return null
  if (positionals.length > 0) {
    throw new UsageError(`unexpected argument ${positionals[0]} (try: slipway --help)`)
  }
  const limit = values.limit === undefined ? 50 : Number(values.limit)
  if (!/^\d+$/.test(values.limit ?? '50') || limit < 1 || limit > 10_000) {
    throw new UsageError(`--limit must be a number from 1 to 10000, not "${values.limit ?? ''}"`)
  }
  return {
    kind: 'runs',
    workspace: given('--workspace', values.workspace) ?? cwd,
    branch: given('--branch', values.branch) ?? null,
    limit,
    json: values.json ?? false,
    dataDir: given('--data-dir', values['data-dir']) ?? null
  }
}
