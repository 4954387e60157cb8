import {
  TicketStatusSchema,
  TicketTypeSchema,
  type TicketStatus,
  type TicketType
} from '../../shared/ticket-models'
import { UsageError, given, parseWith } from './parse-options'

/** What every team command shares. */
interface TeamCommon {
  readonly workspace: string
  readonly dataDir: string | null
  readonly json: boolean
}

/** `slipway ticket …`, `slipway pr …` and `slipway sync`: a union on `kind`. */
export type TeamCliCommand =
  | (TeamCommon & {
      readonly kind: 'ticket-new'
      readonly title: string
      readonly description: string | null
      readonly type: TicketType | null
      readonly assignee: string | null
    })
  | (TeamCommon & {
      readonly kind: 'ticket-list'
      readonly status: readonly TicketStatus[] | null
      readonly type: readonly TicketType[] | null
      readonly assignee: string | null
      readonly text: string | null
    })
  | (TeamCommon & { readonly kind: 'ticket-show'; readonly key: string })
  | (TeamCommon & {
      readonly kind: 'ticket-start'
      readonly key: string
      readonly switchTo: boolean
    })
  | (TeamCommon & {
      readonly kind: 'pr-open'
      readonly branch: string
      readonly title: string | null
      readonly description: string | null
    })
  | (TeamCommon & {
      readonly kind: 'pr-list'
      readonly state: 'open' | 'merged' | 'closed' | 'all'
    })
  | (TeamCommon & { readonly kind: 'pr-show'; readonly branch: string })
  | (TeamCommon & {
      readonly kind: 'pr-review'
      readonly branch: string
      readonly verdict: 'approve' | 'request-changes'
      readonly comment: string
    })
  | (TeamCommon & {
      readonly kind: 'pr-merge'
      readonly branch: string
      readonly deleteBranch: boolean
      /** Trust the workspace's commands (its tests run for the merge) without asking. */
      readonly trust: boolean
    })
  | (TeamCommon & { readonly kind: 'pr-delete-branch'; readonly branch: string })
  | (TeamCommon & { readonly kind: 'sync' })

/** The help text of the team commands. */
export const TEAM_HELP = `  ticket new TITLE… [--description TEXT] [--type task|bug|feature|chore] [--assignee NAME]
        Create a ticket; its key is the project's prefix and the next free number.
  ticket list [--status S[,S…]] [--type T[,T…]] [--assignee NAME] [--text WORDS] [--json]
  ticket show KEY [--json]
        A ticket with its branches, commits and pull requests.
  ticket start KEY [--switch]
        Create the ticket's branch (KEY-short-title) from main; --switch checks it out when
        the checkout is clean (otherwise it says why not).
  pr open BRANCH [--title T] [--description TEXT]
        Open a pull request (pushes the branch to origin when there is one).
  pr list [--state open|merged|closed|all] [--json]
  pr show BRANCH [--json]
        Its commits, reviews and checks (merge-result tests, approvals, up to date).
  pr approve BRANCH [--comment TEXT]
  pr request-changes BRANCH --comment TEXT
  pr merge BRANCH [--delete-branch] [--trust]
        Merge into main when every check passes (runs the merge-result tests if needed,
        with progress), push main to origin; exit code 1 with each failing check named
        otherwise. If origin's main moved: retests, then asks to merge again (a terminal).
  pr delete-branch BRANCH
        Delete a merged pull request's branch, here and on origin.
  sync [--json]
        Fetch and push tickets and pull requests (refs/slipway/*) through origin.
`

const COMMON = {
  'data-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  workspace: { type: 'string', short: 'w' },
  json: { type: 'boolean' }
} as const

/**
 * Parses `ticket …`, `pr …` or `sync`; undefined when `first` is none of them, null when
 * `--help` was asked for.
 */
export function parseTeamCommand(
  first: string,
  rest: readonly string[],
  cwd: string
): TeamCliCommand | null | undefined {
  if (first === 'sync') {
    const { values, positionals } = parseWith(rest, COMMON)
    if (values.help) return null
    noMore(positionals)
    return { kind: 'sync', ...common(values, cwd) }
  }
  if (first !== 'ticket' && first !== 'pr') return undefined
  const [verb, ...args] = rest
  if (verb === undefined || verb === '--help' || verb === '-h') return null
  const sub = `${first} ${verb}`
  switch (sub) {
    case 'ticket new': {
      const { values, positionals } = parseWith(args, {
        ...COMMON,
        description: { type: 'string', short: 'd' },
        type: { type: 'string', short: 't' },
        assignee: { type: 'string', short: 'a' }
      })
      if (values.help) return null
      const title = positionals.join(' ').trim()
      if (!title)
        throw new UsageError(
          'ticket new needs a title (try: slipway ticket new Fix the login page)'
        )
      return {
        kind: 'ticket-new',
        ...common(values, cwd),
        title,
        description: values.description ?? null,
        type:
          values.type === undefined
            ? null
            : // Change tickets are opened by promotions, never by hand.
              oneOf(
                '--type',
                values.type,
                TicketTypeSchema.options.filter((t) => t !== 'change')
              ),
        assignee: given('--assignee', values.assignee) ?? null
      }
    }
    case 'ticket list': {
      const { values, positionals } = parseWith(args, {
        ...COMMON,
        status: { type: 'string', short: 's' },
        type: { type: 'string', short: 't' },
        assignee: { type: 'string', short: 'a' },
        text: { type: 'string' }
      })
      if (values.help) return null
      noMore(positionals)
      return {
        kind: 'ticket-list',
        ...common(values, cwd),
        status:
          values.status === undefined
            ? null
            : list('--status', values.status, TicketStatusSchema.options),
        type:
          values.type === undefined ? null : list('--type', values.type, TicketTypeSchema.options),
        assignee: given('--assignee', values.assignee) ?? null,
        text: given('--text', values.text) ?? null
      }
    }
    case 'ticket show':
    case 'ticket start': {
      const { values, positionals } = parseWith(args, { ...COMMON, switch: { type: 'boolean' } })
      if (values.help) return null
      const key = single(positionals, `${sub} needs a ticket key (e.g. ORD-123)`)
      if (sub === 'ticket show') {
        if (values.switch) throw new UsageError('--switch is an option of ticket start')
        return { kind: 'ticket-show', ...common(values, cwd), key }
      }
      return { kind: 'ticket-start', ...common(values, cwd), key, switchTo: values.switch ?? false }
    }
    case 'pr open': {
      const { values, positionals } = parseWith(args, {
        ...COMMON,
        title: { type: 'string', short: 't' },
        description: { type: 'string', short: 'd' }
      })
      if (values.help) return null
      return {
        kind: 'pr-open',
        ...common(values, cwd),
        branch: single(positionals, 'pr open needs a branch'),
        title: given('--title', values.title) ?? null,
        description: values.description ?? null
      }
    }
    case 'pr list': {
      const { values, positionals } = parseWith(args, { ...COMMON, state: { type: 'string' } })
      if (values.help) return null
      noMore(positionals)
      const state = oneOf('--state', values.state ?? 'open', [
        'open',
        'merged',
        'closed',
        'all'
      ] as const)
      return { kind: 'pr-list', ...common(values, cwd), state }
    }
    case 'pr show':
    case 'pr approve':
    case 'pr request-changes':
    case 'pr delete-branch':
    case 'pr merge': {
      const { values, positionals } = parseWith(args, {
        ...COMMON,
        comment: { type: 'string', short: 'm' },
        'delete-branch': { type: 'boolean' },
        trust: { type: 'boolean' }
      })
      if (values.help) return null
      const branch = single(positionals, `${sub} needs a branch`)
      const c = common(values, cwd)
      const commented = sub === 'pr approve' || sub === 'pr request-changes'
      if (values.comment !== undefined && !commented) {
        throw new UsageError(`--comment is not an option of ${sub}`)
      }
      if (values['delete-branch'] && sub !== 'pr merge') {
        throw new UsageError('--delete-branch is an option of pr merge')
      }
      if (values.trust && sub !== 'pr merge') {
        throw new UsageError('--trust is an option of pr merge')
      }
      if (sub === 'pr show') return { kind: 'pr-show', ...c, branch }
      if (sub === 'pr delete-branch') return { kind: 'pr-delete-branch', ...c, branch }
      if (sub === 'pr merge') {
        return {
          kind: 'pr-merge',
          ...c,
          branch,
          deleteBranch: values['delete-branch'] ?? false,
          trust: values.trust ?? false
        }
      }
      const comment = values.comment ?? ''
      if (sub === 'pr request-changes' && !comment.trim()) {
        throw new UsageError('pr request-changes needs --comment saying what to change')
      }
      return {
        kind: 'pr-review',
        ...c,
        branch,
        verdict: sub === 'pr approve' ? 'approve' : 'request-changes',
        comment
      }
    }
    default:
      throw new UsageError(`unknown command "${sub}" (try: slipway --help)`)
  }
}

function common(
  values: { workspace?: string; 'data-dir'?: string; json?: boolean },
  cwd: string
): TeamCommon {
  return {
    workspace: given('--workspace', values.workspace) ?? cwd,
    dataDir: given('--data-dir', values['data-dir']) ?? null,
    json: values.json ?? false
  }
}

function single(positionals: readonly string[], missing: string): string {
  const [first, ...extra] = positionals
  if (first === undefined || first.trim() === '') throw new UsageError(missing)
  noMore(extra)
  return first
}

function noMore(positionals: readonly string[]): void {
  if (positionals.length > 0) {
    throw new UsageError(`unexpected argument ${positionals[0]} (try: slipway --help)`)
  }
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T
  throw new UsageError(`${flag} must be one of ${allowed.join(', ')}, not "${value}"`)
}

function list<T extends string>(flag: string, value: string, allowed: readonly T[]): T[] {
  return value.split(',').map((v) => oneOf(flag, v.trim(), allowed))
}
