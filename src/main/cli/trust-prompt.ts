import type { Workspace } from '../../shared/models'
import type { TrustStatus } from '../../shared/trust-models'
import type { Router } from '../api'
import { unwrap, type CliIo } from './cli-router'

/** How the CLI got (or did not get) an answer about a workspace's commands. */
export type TrustAnswer = 'trusted' | 'refused' | 'no-terminal'

/** The commands (or their change) as lines for a terminal. */
export function describeCommands(status: TrustStatus): string {
  const lines =
    status.state === 'changed'
      ? status.diff.map(
          (l) => `  ${{ added: '+', removed: '-', same: ' ' }[l.kind]} ${l.key}: ${l.command}`
        )
      : status.commands.map((c) => `    ${c.key}: ${c.command}`)
  return lines.join('\n') + '\n'
}

/**
 * Makes sure the user trusts the commands of the workspace open in `router` before any runs:
 * already trusted (or nothing to trust, or the demo), `--trust` given (scripts), or asked on
 * the terminal with the commands shown (as a diff when they changed). Without a terminal nor
 * `--trust`, nothing is trusted and the caller says what to do. Through the router's
 * `trust.status` / `trust.grant`, exactly as the app's dialog does.
 */
export async function ensureTrusted(
  router: Router,
  workspace: Workspace,
  io: CliIo,
  trustFlag: boolean
): Promise<TrustAnswer> {
  const status = unwrap(await router.call('trust.status', {}))
  if (status.state === 'trusted' || status.state === 'not-needed') return 'trusted'
  const heading =
    status.state === 'changed'
      ? `slipway: the commands in ${workspace.name}'s slipway.yml changed since you trusted them:\n`
      : `slipway: ${workspace.path} has a slipway.yml that runs these commands on this computer:\n`
  const grant = async (): Promise<TrustAnswer> => {
    unwrap(await router.call('trust.grant', { fingerprint: status.fingerprint }))
    return 'trusted'
  }
  if (trustFlag) {
    io.stderr(heading + describeCommands(status) + 'slipway: trusted (--trust)\n')
    return grant()
  }
  if (!io.ask) return 'no-terminal'
  io.stderr(heading + describeCommands(status))
  const answer = await io.ask('Trust these commands and let Slipway run them? [y/N] ')
  if (answer === null) return 'no-terminal'
  if (!/^y(es)?$/i.test(answer.trim())) return 'refused'
  return grant()
}

/** The one line the CLI prints when it may not run a workspace's commands. */
export function untrustedMessage(workspace: Workspace, answer: TrustAnswer): string {
  return answer === 'refused'
    ? `${workspace.name}: not trusted; nothing was run`
    : `${workspace.name}: its slipway.yml commands are not trusted yet; run this on a terminal to review them, or pass --trust`
}
