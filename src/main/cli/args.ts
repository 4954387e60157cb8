import { UsageError, given, parseWith } from './parse-options'
import { parseDeployCommand, type DeployCliCommand } from './deploy-args'
import { parseRunCommand, RUN_HELP, type RunCliCommand } from './run-args'
import { DEPLOY_HELP } from './deploy-help'
import { LEDGER_HELP, parseLedgerCommand, type LedgerCliCommand } from './ledger-args'
import { parsePromoteCommand, PROMOTE_HELP, type PromoteCliCommand } from './promote-args'
import { parseTeamCommand, TEAM_HELP, type TeamCliCommand } from './team-args'
import {
  parseRunsCommand,
  parseTestCommand,
  type RunsCliCommand,
  type TestCliCommand
} from './test-args'

export { UsageError, describeParseError } from './parse-options'

/** What the user asked the CLI to do; a union on `kind`. */
export type CliCommand =
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }
  | {
      readonly kind: 'branches'
      readonly workspace: string
      readonly json: boolean
      readonly dataDir: string | null
    }
  | {
      readonly kind: 'serve'
      readonly workspace: string | null
      readonly port: number
      readonly open: boolean
      /** Trust the workspace's commands without asking (scripts). */
      readonly trust: boolean
      readonly dataDir: string | null
      /** Also serve a read-only viewer URL (presentation mode) with a token of its own. */
      readonly viewer: boolean
      /** The address to listen on; null: 127.0.0.1. */
      readonly host: string | null
    }
  | TestCliCommand
  | RunCliCommand
  | RunsCliCommand
  | DeployCliCommand
  | TeamCliCommand
  | LedgerCliCommand
  | PromoteCliCommand

/** The `--help` text. */
export const HELP_TEXT = `Usage: slipway <command> [options]

Commands:
  branches [--workspace PATH] [--json]
        List the branches of a git repository (default: the current folder) with
        ahead/behind main and their tickets.
  test <BRANCH|SHA> [--workspace PATH] [--merge] [--force] [--trust]
        Run the test command (slipway.yml test.command) at the tip of a branch, or
        with --merge on the merge of it into main, in a separate worktree. Streams
        the log; exit code 0 when the tests passed, 1 otherwise. A finished result
        for the same commit is reused unless --force.
  runs [--workspace PATH] [--branch NAME] [--limit N] [--json]
        The stored test runs, newest first.
  serve [--workspace PATH] [--port N] [--open] [--trust] [--viewer [--host ADDR]]
        Serve the Slipway board on http://127.0.0.1 (default: the demo workspace).
        Prints the URL, with its access token, and runs until Ctrl-C. --viewer also
        prints a read-only URL to share (presentation mode; changes are refused).
${RUN_HELP}${DEPLOY_HELP}${PROMOTE_HELP}${TEAM_HELP}${LEDGER_HELP}
Options:
  -w, --workspace PATH   the git repository to open
      --json             (branches, runs, ticket, pr, sync, ledger) print JSON
  -p, --port N           (serve) port on 127.0.0.1; default: a free one
      --open             (serve) open the URL in the default browser
      --viewer           (serve) a read-only viewer URL of its own, for a meeting
      --host ADDR        (serve --viewer) listen on ADDR (0.0.0.0: every network);
                         the full URL still works from this machine only
      --data-dir PATH    settings and demo workspace folder
                         (default: $SLIPWAY_DATA_DIR or ~/.config/slipway)
  -h, --help             show this help
  -v, --version          print the version
`

const COMMON = {
  'data-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' }
} as const

/**
 * Parses argv (without `node` and the script) strictly: unknown flags, missing values and
 * stray arguments are {@link UsageError}s naming the culprit.
 */
export function parseCli(argv: readonly string[], cwd: string): CliCommand {
  const [first, ...rest] = argv
  if (first === undefined) return { kind: 'help' }
  if (first.startsWith('-')) {
    const { values } = parseWith(
      argv,
      {
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' }
      },
      { positionals: false }
    )
    if (values.version) return { kind: 'version' }
    return { kind: 'help' }
  }
  switch (first) {
    case 'help':
      return { kind: 'help' }
    case 'branches': {
      const { values } = parseWith(
        rest,
        {
          ...COMMON,
          workspace: { type: 'string', short: 'w' },
          json: { type: 'boolean' }
        },
        { positionals: false }
      )
      if (values.help) return { kind: 'help' }
      return {
        kind: 'branches',
        workspace: given('--workspace', values.workspace) ?? cwd,
        json: values.json ?? false,
        dataDir: given('--data-dir', values['data-dir']) ?? null
      }
    }
    case 'serve': {
      const { values } = parseWith(
        rest,
        {
          ...COMMON,
          workspace: { type: 'string', short: 'w' },
          port: { type: 'string', short: 'p' },
          open: { type: 'boolean' },
          trust: { type: 'boolean' },
          viewer: { type: 'boolean' },
          host: { type: 'string' }
        },
        { positionals: false }
      )
      if (values.help) return { kind: 'help' }
      return {
        kind: 'serve',
        workspace: given('--workspace', values.workspace) ?? null,
        port: values.port === undefined ? 0 : parsePort(values.port),
        open: values.open ?? false,
        trust: values.trust ?? false,
        dataDir: given('--data-dir', values['data-dir']) ?? null,
        viewer: values.viewer ?? false,
        host: serveHost(given('--host', values.host) ?? null, values.viewer ?? false)
      }
    }
    case 'test':
      return parseTestCommand(rest, cwd) ?? { kind: 'help' }
    case 'runs':
      return parseRunsCommand(rest, cwd) ?? { kind: 'help' }
    case 'run':
      return parseRunCommand(rest, cwd) ?? { kind: 'help' }
    default: {
      const ledger = parseLedgerCommand(first, rest, cwd)
      if (ledger === null) return { kind: 'help' }
      if (ledger) return ledger
      const team = parseTeamCommand(first, rest, cwd)
      if (team === null) return { kind: 'help' }
      if (team) return team
      const promote = parsePromoteCommand(first, rest, cwd)
      if (promote === null) return { kind: 'help' }
      if (promote) return promote
      const deploy = parseDeployCommand(first, rest, cwd)
      if (deploy === null) return { kind: 'help' }
      if (deploy) return deploy
      throw new UsageError(`unknown command "${first}" (try: slipway --help)`)
    }
  }
}

function parsePort(value: string): number {
  const n = Number(value)
  if (!/^\d+$/.test(value) || !Number.isInteger(n) || n < 0 || n > 65535) {
    throw new UsageError(`--port must be a number from 0 to 65535, not "${value}"`)
  }
  return n
}

/** `--host` for serve: only with --viewer, and an address or name (never an option). */
function serveHost(host: string | null, viewer: boolean): string | null {
  if (host === null) return null
  if (!viewer) {
    throw new UsageError('--host works with --viewer only (the full app stays on 127.0.0.1)')
  }
  if (!/^[A-Za-z0-9.:[\]-]+$/.test(host) || host.startsWith('-')) {
    throw new UsageError(`--host needs an address or a host name, not "${host.slice(0, 60)}"`)
  }
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host
}
