import { z } from 'zod'

/** One command slipway.yml makes Slipway run on this machine, with where it is configured. */
export const TrustedCommandSchema = z.object({
  /** Where in slipway.yml: `test.command`, `environments[staging].hooks.afterActivate`, … */
  key: z.string(),
  command: z.string()
})
export type TrustedCommand = z.output<typeof TrustedCommandSchema>

/** One line of the difference between the commands trusted before and now. */
export const CommandDiffLineSchema = z.object({
  kind: z.enum(['added', 'removed', 'same']),
  key: z.string(),
  command: z.string()
})
export type CommandDiffLine = z.output<typeof CommandDiffLineSchema>

/**
 * Whether the open workspace may run its commands: `not-needed` (no commands, or the demo),
 * `trusted`, `untrusted` (never asked) or `changed` (trusted before, the commands differ now:
 * `diff` shows how).
 */
export const TrustStatusSchema = z.object({
  state: z.enum(['not-needed', 'trusted', 'untrusted', 'changed']),
  workspacePath: z.string(),
  commands: z.array(TrustedCommandSchema),
  /** Identifies exactly this list of commands; `trust.grant` names it. */
  fingerprint: z.string(),
  diff: z.array(CommandDiffLineSchema)
})
export type TrustStatus = z.output<typeof TrustStatusSchema>

/** True when the workspace's commands may run. */
export function isTrusted(status: Pick<TrustStatus, 'state'>): boolean {
  return status.state === 'trusted' || status.state === 'not-needed'
}
