import { UsageError, given, parseWith } from './parse-options'

/** `slipway run BRANCH [--port N]`: a branch environment in the terminal until Ctrl-C. */
export interface RunCliCommand {
  readonly kind: 'run'
  /** The branch to run, or null with `--environment` (what that environment's hosts run). */
  readonly branch: string | null
  readonly environment: string | null
  readonly port: number | null
  /** Trust the workspace's commands without asking (scripts). */
  readonly trust: boolean
  readonly workspace: string
  readonly dataDir: string | null
}

/** The help lines of `run`. */
export const RUN_HELP = `  run <BRANCH> [--port N] [--trust] [--workspace PATH]
  run --environment ENV [--port N] [--trust]
        Run a branch (or the release an environment's hosts serve) on this machine
        as slipway.yml branchEnvironments says: its own worktree, setup, the run
        command with PORT, until the health URL answers. The log goes to stdout;
        Ctrl-C stops every process it started. Asks first to trust slipway.yml's
        commands (--trust: without asking, for scripts).
`

/** Parses the arguments after `run`; null when `--help` was asked for. */
export function parseRunCommand(args: readonly string[], cwd: string): RunCliCommand | null {
  const { values, positionals } = parseWith(args, {
    'data-dir': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
    workspace: { type: 'string', short: 'w' },
    port: { type: 'string', short: 'p' },
    environment: { type: 'string', short: 'e' },
    trust: { type: 'boolean' }
  })
  if (values.help) return null
  const [branch, ...extra] = positionals
  const environment = given('--environment', values.environment) ?? null
  if (extra.length > 0)
    throw new UsageError(`unexpected argument ${extra[0]} (try: slipway --help)`)
  if ((branch === undefined || branch.trim() === '') && environment === null) {
    throw new UsageError('run needs a branch (try: slipway run main) or --environment ENV')
  }
  if (branch !== undefined && environment !== null) {
    throw new UsageError('give a branch or --environment, not both')
  }
  const port = values.port === undefined ? null : Number(values.port)
  if (port !== null && (!/^\d+$/.test(values.port ?? '') || port < 1 || port > 65535)) {
    throw new UsageError(`--port must be a number from 1 to 65535, not "${values.port ?? ''}"`)
  }
  return {
    kind: 'run',
    branch: branch ?? null,
    environment,
    port,
    trust: values.trust ?? false,
    workspace: given('--workspace', values.workspace) ?? cwd,
    dataDir: given('--data-dir', values['data-dir']) ?? null
  }
}
