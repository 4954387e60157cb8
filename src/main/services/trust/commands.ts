import { createHash } from 'node:crypto'
import type { SlipwayConfig } from '../../../shared/config-schema'
import type { CommandDiffLine, TrustedCommand } from '../../../shared/trust-models'

/**
 * Every command a slipway.yml makes Slipway run on this machine: the test command and its
 * setup, the build, and per environment the hooks and health command (`afterActivate` and the
 * health command run here for `local` hosts; `beforeBatch` / `afterBatch` always run here),
 * Run locally's setup and run, with the variables given to them.
 */
export function configuredCommands(config: SlipwayConfig): TrustedCommand[] {
  const out: TrustedCommand[] = []
  const add = (key: string, command: string | undefined): void => {
    if (command !== undefined && command.trim() !== '') out.push({ key, command })
  }
  add('test.setup', config.test?.setup)
  add('test.command', config.test?.command)
  for (const [name, value] of Object.entries(config.test?.env ?? {})) add(`test.env.${name}`, value)
  add('build.command', config.build?.command)
  for (const [name, value] of Object.entries(config.build?.env ?? {})) {
    add(`build.env.${name}`, value)
  }
  const local = config.branchEnvironments
  add('branchEnvironments.setup', local?.setup)
  add('branchEnvironments.run', local?.run)
  for (const [name, value] of Object.entries(local?.env ?? {})) {
    add(`branchEnvironments.env.${name}`, value)
  }
  if (local?.sandbox === 'none') add('branchEnvironments.sandbox', 'none (runs unsandboxed)')
  for (const env of config.environments) {
    add(`environments[${env.name}].hooks.afterActivate`, env.hooks?.afterActivate)
    add(`environments[${env.name}].hooks.beforeBatch`, env.hooks?.beforeBatch)
    add(`environments[${env.name}].hooks.afterBatch`, env.hooks?.afterBatch)
    add(`environments[${env.name}].healthCheck.command`, env.healthCheck?.command)
  }
  return out
}

/** A stable id of a list of commands (sha256 over key and command). */
export function commandsFingerprint(commands: readonly TrustedCommand[]): string {
  const hash = createHash('sha256')
  for (const c of commands) hash.update(`${c.key}\0${c.command}\0`)
  return `sha256:${hash.digest('hex')}`
}

/** The commands trusted before against the ones now, key by key, in the order of `now`. */
export function commandsDiff(
  before: readonly TrustedCommand[],
  now: readonly TrustedCommand[]
): CommandDiffLine[] {
  const same = (a: TrustedCommand, b: TrustedCommand): boolean =>
    a.key === b.key && a.command === b.command
  const lines: CommandDiffLine[] = []
  const gone = before.filter((b) => !now.some((n) => same(n, b)))
  for (const c of now) {
    // A replaced command reads as its old line right above the new one.
    for (const old of gone.filter((g) => g.key === c.key)) lines.push({ kind: 'removed', ...old })
    lines.push({ kind: before.some((b) => same(b, c)) ? 'same' : 'added', ...c })
    gone.splice(0, gone.length, ...gone.filter((g) => g.key !== c.key))
  }
  for (const old of gone) lines.push({ kind: 'removed', ...old })
  return lines
}
