import { LedgerOutcomeSchema, type LedgerOutcome } from '../../shared/ledger-models'
import { UsageError, given, parseWith } from './parse-options'

/** What every ledger command shares. */
interface LedgerCommon {
  readonly workspace: string
  readonly dataDir: string | null
}

/** The history filters of `ledger list` and `ledger export`. */
export interface LedgerCliFilter {
  readonly environment: string | null
  readonly ticket: string | null
  readonly person: string | null
  readonly outcome: LedgerOutcome | null
}

/** `slipway ledger …`: a union on `kind`. */
export type LedgerCliCommand =
  | (LedgerCommon & {
      readonly kind: 'ledger-verify'
      readonly json: boolean
      readonly accept: boolean
      readonly hosts: boolean
    })
  | (LedgerCommon & LedgerCliFilter & { readonly kind: 'ledger-list'; readonly json: boolean })
  | (LedgerCommon & LedgerCliFilter & { readonly kind: 'ledger-export'; readonly csv: boolean })

/** The help text of the ledger commands. */
export const LEDGER_HELP = `  ledger verify [--json] [--no-hosts] [--accept]
        Check the ledger (refs/slipway/ledger): every commit and entry, rewrites since this
        clone last verified (entries gone or changed, with their positions), and recorded
        deployments against the hosts' own logs (--no-hosts skips them). Exit code 1 when
        anything is wrong; --accept takes a rewritten ledger as the new baseline.
  ledger list [--environment E] [--ticket KEY] [--person WHO] [--outcome O] [--json]
        The history, newest first (O: succeeded, failed, cancelled, rolled-back).
  ledger export [--csv] [same filters]
        The ledger, oldest first, as JSON (default) or CSV on stdout.
`

const COMMON = {
  'data-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  workspace: { type: 'string', short: 'w' }
} as const

const FILTERS = {
  environment: { type: 'string', short: 'e' },
  ticket: { type: 'string', short: 't' },
  person: { type: 'string' },
  outcome: { type: 'string' }
} as const

/** Parses `ledger …`; undefined when `first` is not `ledger`, null when help was asked for. */
export function parseLedgerCommand(
  first: string,
  rest: readonly string[],
  cwd: string
): LedgerCliCommand | null | undefined {
  if (first !== 'ledger') return undefined
  const [verb, ...args] = rest
  if (verb === undefined || verb === '--help' || verb === '-h') return null
  switch (verb) {
    case 'verify': {
      const { values } = parseWith(
        args,
        {
          ...COMMON,
          json: { type: 'boolean' },
          accept: { type: 'boolean' },
          'no-hosts': { type: 'boolean' }
        },
        { positionals: false }
      )
      if (values.help) return null
      return {
        kind: 'ledger-verify',
        ...common(values, cwd),
        json: values.json ?? false,
        accept: values.accept ?? false,
        hosts: !(values['no-hosts'] ?? false)
      }
    }
    case 'list': {
      const { values } = parseWith(
        args,
        { ...COMMON, ...FILTERS, json: { type: 'boolean' } },
        {
          positionals: false
        }
      )
      if (values.help) return null
      return {
        kind: 'ledger-list',
        ...common(values, cwd),
        ...filters(values),
        json: values.json ?? false
      }
    }
    case 'export': {
      const { values } = parseWith(
        args,
        { ...COMMON, ...FILTERS, csv: { type: 'boolean' } },
        {
          positionals: false
        }
      )
      if (values.help) return null
      return {
        kind: 'ledger-export',
        ...common(values, cwd),
        ...filters(values),
        csv: values.csv ?? false
      }
    }
    default:
      throw new UsageError(
        `unknown ledger command "${verb}" (try: slipway ledger verify, list or export)`
      )
  }
}

function common(values: { workspace?: string; 'data-dir'?: string }, cwd: string): LedgerCommon {
  return {
    workspace: given('--workspace', values.workspace) ?? cwd,
    dataDir: given('--data-dir', values['data-dir']) ?? null
  }
}

function filters(values: {
  environment?: string
  ticket?: string
  person?: string
  outcome?: string
}): LedgerCliFilter {
  const outcome = values.outcome
  if (
    outcome !== undefined &&
    !(LedgerOutcomeSchema.options as readonly string[]).includes(outcome)
  ) {
    throw new UsageError(
      `--outcome must be one of ${LedgerOutcomeSchema.options.join(', ')}, not "${outcome}"`
    )
  }
  return {
    environment: given('--environment', values.environment) ?? null,
    ticket: given('--ticket', values.ticket) ?? null,
    person: given('--person', values.person) ?? null,
    outcome: (outcome as LedgerOutcome | undefined) ?? null
  }
}
