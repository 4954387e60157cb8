import { UsageError, given, parseWith } from './parse-options'

interface Common {
  readonly workspace: string
  readonly dataDir: string | null
  readonly json: boolean
}

/** `slipway promote`, `promotions`, `approve` and `release notes`: a union on `kind`. */
export type PromoteCliCommand =
  | (Common & {
      readonly kind: 'promote'
      readonly release: string
      readonly environment: string
      readonly reason: string | null
      readonly overrideFreeze: string | null
      /** Trust the workspace's commands without asking (scripts). */
      readonly trust: boolean
    })
  | (Common & {
      readonly kind: 'promote-cancel'
      readonly release: string
      readonly environment: string
      readonly reason: string | null
    })
  | (Common & { readonly kind: 'promotions' })
  | (Common & { readonly kind: 'approve'; readonly release: string; readonly environment: string })
  | (Common & { readonly kind: 'release-notes'; readonly release: string })

/** The help text of the promotion commands. */
export const PROMOTE_HELP = `  promote RELEASE ENV [--reason TEXT] [--override-freeze REASON] [--trust]
        Request the promotion of RELEASE (current and healthy on every host of ENV's
        promoteFrom) to ENV, showing what ships; exit code 1 naming what is pending while
        approvals are missing. Run it again once approved: it deploys the same artifact.
        Health checks and hooks come from slipway.yml: asks first (--trust for scripts).
  promote --cancel RELEASE ENV [--reason TEXT]
        Withdraw the open promotion of RELEASE to ENV (only its requester can).
  promotions [--json]
        Pending and recent promotions with their approvals (and why any does not count).
  approve RELEASE ENV
        Approve the open promotion of RELEASE to ENV (signed with user.signingkey when the
        environment requires signed approvals).
  release notes RELEASE
        Markdown release notes: the release's tickets grouped by type.
`

const COMMON = {
  'data-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  workspace: { type: 'string', short: 'w' },
  json: { type: 'boolean' }
} as const

function common(
  values: { workspace?: string; 'data-dir'?: string; json?: boolean },
  cwd: string
): Common {
  return {
    workspace: given('--workspace', values.workspace) ?? cwd,
    dataDir: given('--data-dir', values['data-dir']) ?? null,
    json: values.json ?? false
  }
}

function exactly(
  positionals: readonly string[],
  names: readonly string[],
  usage: string
): string[] {
  if (positionals.length < names.length) {
    throw new UsageError(`missing ${names[positionals.length]} (usage: slipway ${usage})`)
  }
  if (positionals.length > names.length) {
    throw new UsageError(
      `unexpected argument ${positionals[names.length]} (usage: slipway ${usage})`
    )
  }
  return [...positionals]
}

/**
 * Parses the promotion commands; undefined when `first` (with `rest`) is none of them, null
 * when `--help` was asked for.
 */
export function parsePromoteCommand(
  first: string,
  rest: readonly string[],
  cwd: string
): PromoteCliCommand | null | undefined {
  switch (first) {
    case 'promote': {
      const { values, positionals } = parseWith(rest, {
        ...COMMON,
        reason: { type: 'string' },
        'override-freeze': { type: 'string' },
        trust: { type: 'boolean' },
        cancel: { type: 'boolean' }
      })
      if (values.help) return null
      const cancel = values.cancel ?? false
      const [release, environment] = exactly(
        positionals,
        ['a release id', 'an environment'],
        cancel ? 'promote --cancel RELEASE ENV' : 'promote RELEASE ENV'
      )
      if (cancel) {
        const extra = values['override-freeze'] !== undefined ? '--override-freeze' : null
        if (extra) throw new UsageError(`${extra} does not go with --cancel`)
        if (values.trust)
          throw new UsageError('--trust does not go with --cancel (it runs nothing)')
        return {
          kind: 'promote-cancel',
          ...common(values, cwd),
          release: release ?? '',
          environment: environment ?? '',
          reason: given('--reason', values.reason) ?? null
        }
      }
      return {
        kind: 'promote',
        ...common(values, cwd),
        release: release ?? '',
        environment: environment ?? '',
        reason: given('--reason', values.reason) ?? null,
        overrideFreeze: given('--override-freeze', values['override-freeze']) ?? null,
        trust: values.trust ?? false
      }
    }
    case 'promotions': {
      const { values, positionals } = parseWith(rest, COMMON)
      if (values.help) return null
      exactly(positionals, [], 'promotions [--json]')
      return { kind: 'promotions', ...common(values, cwd) }
    }
    case 'approve': {
      const { values, positionals } = parseWith(rest, COMMON)
      if (values.help) return null
      const [release, environment] = exactly(
        positionals,
        ['a release id', 'an environment'],
        'approve RELEASE ENV'
      )
      return {
        kind: 'approve',
        ...common(values, cwd),
        release: release ?? '',
        environment: environment ?? ''
      }
    }
    case 'release': {
      if (rest[0] !== 'notes') return undefined
      const { values, positionals } = parseWith(rest.slice(1), COMMON)
      if (values.help) return null
      const [release] = exactly(positionals, ['a release id'], 'release notes RELEASE')
      return { kind: 'release-notes', ...common(values, cwd), release: release ?? '' }
    }
    default:
      return undefined
  }
}
