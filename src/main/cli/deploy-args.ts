import { UsageError, given, parseWith } from './parse-options'

/** The deploy-domain commands of the CLI; a union on `kind`. */
export type DeployCliCommand = DeployCommandOnly & {
  /** Trust the workspace's commands (build, hooks) without asking (scripts). */
  readonly trust: boolean
}

type DeployCommandOnly =
  | {
      readonly kind: 'release-create'
      readonly workspace: string
      readonly commit: string | null
      readonly json: boolean
      readonly dataDir: string | null
    }
  | {
      readonly kind: 'release-list'
      readonly workspace: string
      readonly json: boolean
      readonly dataDir: string | null
    }
  | {
      readonly kind: 'deploy'
      /** A release id, or `latest`. */
      readonly release: string
      readonly environment: string
      readonly workspace: string
      readonly reason: string | null
      /** The written reason for deploying inside a freeze window. */
      readonly overrideFreeze: string | null
      readonly dataDir: string | null
    }
  | {
      readonly kind: 'status'
      readonly environment: string
      readonly workspace: string
      readonly json: boolean
      readonly dataDir: string | null
    }
  | {
      readonly kind: 'rollback'
      readonly environment: string
      readonly workspace: string
      readonly to: string | null
      readonly dataDir: string | null
    }
  | {
      readonly kind: 'hosts-trust'
      readonly environment: string
      readonly workspace: string
      readonly yes: boolean
      /** `--fingerprint [HOST=]SHA256:…`, repeatable: exactly the keys the user compared. */
      readonly fingerprints: readonly string[]
      readonly dataDir: string | null
    }

function positionals(values: readonly string[], names: readonly string[], usage: string): string[] {
  if (values.length < names.length) {
    throw new UsageError(`missing ${names[values.length]} (usage: slipway ${usage})`)
  }
  if (values.length > names.length) {
    throw new UsageError(`unexpected argument ${values[names.length]} (usage: slipway ${usage})`)
  }
  return [...values]
}

const COMMON = {
  'data-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  workspace: { type: 'string', short: 'w' },
  trust: { type: 'boolean' }
} as const

/**
 * Parses `release …`, `deploy`, `status`, `rollback` and `hosts …` (the first word is `first`);
 * null when `--help` was asked for, undefined when `first` is not a deploy command.
 */
export function parseDeployCommand(
  first: string,
  args: readonly string[],
  cwd: string
): DeployCliCommand | null | undefined {
  const command = parseDeployOnly(first, args, cwd)
  // Every verb accepts --trust (COMMON); parseArgs has already refused anything unknown.
  return command ? { ...command, trust: args.includes('--trust') } : command
}

function parseDeployOnly(
  first: string,
  args: readonly string[],
  cwd: string
): DeployCommandOnly | null | undefined {
  switch (first) {
    case 'release': {
      const [verb, ...rest] = args
      if (verb === 'create') {
        const { values, positionals: extra } = parseWith(rest, {
          ...COMMON,
          commit: { type: 'string' },
          json: { type: 'boolean' }
        })
        if (values.help) return null
        positionals(extra, [], 'release create [--commit SHA]')
        const commit = given('--commit', values.commit) ?? null
        if (commit !== null && !/^[0-9a-f]{7,40}$/.test(commit)) {
          throw new UsageError(
            `--commit must be a commit sha (7 to 40 hex digits), not "${commit}"`
          )
        }
        return {
          kind: 'release-create',
          workspace: given('--workspace', values.workspace) ?? cwd,
          commit,
          json: values.json ?? false,
          dataDir: given('--data-dir', values['data-dir']) ?? null
        }
      }
      if (verb === 'list') {
        const { values, positionals: extra } = parseWith(rest, {
          ...COMMON,
          json: { type: 'boolean' }
        })
        if (values.help) return null
        positionals(extra, [], 'release list')
        return {
          kind: 'release-list',
          workspace: given('--workspace', values.workspace) ?? cwd,
          json: values.json ?? false,
          dataDir: given('--data-dir', values['data-dir']) ?? null
        }
      }
      if (verb === undefined || verb === '--help' || verb === '-h') return null
      throw new UsageError(`unknown release command "${verb}" (try: slipway release create)`)
    }
    case 'deploy': {
      const { values, positionals: pos } = parseWith(args, {
        ...COMMON,
        reason: { type: 'string' },
        'override-freeze': { type: 'string' }
      })
      if (values.help) return null
      const [release, environment] = positionals(
        pos,
        ['a release id (or latest)', 'an environment'],
        'deploy <RELEASE|latest> <ENV>'
      )
      return {
        kind: 'deploy',
        release: release ?? '',
        environment: environment ?? '',
        workspace: given('--workspace', values.workspace) ?? cwd,
        reason: given('--reason', values.reason) ?? null,
        overrideFreeze: given('--override-freeze', values['override-freeze']) ?? null,
        dataDir: given('--data-dir', values['data-dir']) ?? null
      }
    }
    case 'status': {
      const { values, positionals: pos } = parseWith(args, { ...COMMON, json: { type: 'boolean' } })
      if (values.help) return null
      const [environment] = positionals(pos, ['an environment'], 'status <ENV>')
      return {
        kind: 'status',
        environment: environment ?? '',
        workspace: given('--workspace', values.workspace) ?? cwd,
        json: values.json ?? false,
        dataDir: given('--data-dir', values['data-dir']) ?? null
      }
    }
    case 'rollback': {
      const { values, positionals: pos } = parseWith(args, { ...COMMON, to: { type: 'string' } })
      if (values.help) return null
      const [environment] = positionals(pos, ['an environment'], 'rollback <ENV> [--to RELEASE]')
      return {
        kind: 'rollback',
        environment: environment ?? '',
        workspace: given('--workspace', values.workspace) ?? cwd,
        to: given('--to', values.to) ?? null,
        dataDir: given('--data-dir', values['data-dir']) ?? null
      }
    }
    case 'hosts': {
      const [verb, ...rest] = args
      if (verb === undefined || verb === '--help' || verb === '-h') return null
      if (verb !== 'trust') {
        throw new UsageError(`unknown hosts command "${verb}" (try: slipway hosts trust <ENV>)`)
      }
      const { values, positionals: pos } = parseWith(rest, {
        ...COMMON,
        yes: { type: 'boolean' },
        fingerprint: { type: 'string', multiple: true }
      })
      if (values.help) return null
      const usage = 'hosts trust <ENV> [--yes | --fingerprint [HOST=]SHA256:…]'
      const [environment] = positionals(pos, ['an environment'], usage)
      const fingerprints = values.fingerprint ?? []
      for (const f of fingerprints) {
        if (!/^([^=\s]+=)?SHA256:[A-Za-z0-9+/]{43}$/.test(f)) {
          throw new UsageError(
            `--fingerprint takes a key's SHA256 fingerprint as ssh-keygen -l prints it, e.g. SHA256:${'A'.repeat(43)}, optionally after HOST= (usage: slipway ${usage})`
          )
        }
      }
      if (fingerprints.length > 0 && values.yes) {
        throw new UsageError(`--yes and --fingerprint do not go together (usage: slipway ${usage})`)
      }
      return {
        kind: 'hosts-trust',
        environment: environment ?? '',
        workspace: given('--workspace', values.workspace) ?? cwd,
        yes: values.yes ?? false,
        fingerprints,
        dataDir: given('--data-dir', values['data-dir']) ?? null
      }
    }
    default:
      return undefined
  }
}
