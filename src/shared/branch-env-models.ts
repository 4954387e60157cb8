import { z } from 'zod'

/** What a branch environment runs: a branch's tip, or the release an environment serves. */
export const BranchEnvTargetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('branch'), branch: z.string() }),
  z.object({
    kind: z.literal('environment'),
    /** The environment whose hosts were read ("Run what staging runs"). */
    environment: z.string(),
    /** The release those hosts serve; its commit is what runs. */
    release: z.string()
  })
])
export type BranchEnvTarget = z.output<typeof BranchEnvTargetSchema>

/** Where a branch environment is on its way up. */
export const BranchEnvStepSchema = z.enum(['checkout', 'setup', 'run', 'health'])
export type BranchEnvStep = z.output<typeof BranchEnvStepSchema>

/**
 * The lifecycle of one branch environment; every switch over it ends in `assertNever`.
 * `failed` carries the exit code (null when the app did not exit: it never answered its health
 * URL in time) and the log lines that explain why.
 */
export const BranchEnvStateSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('starting'), step: BranchEnvStepSchema }),
  z.object({ kind: z.literal('running'), healthyAt: z.string() }),
  z.object({
    kind: z.literal('failed'),
    summary: z.string(),
    exitCode: z.number().int().nullable(),
    lines: z.array(z.string())
  }),
  z.object({ kind: z.literal('stopping') }),
  z.object({ kind: z.literal('stopped'), reason: z.string() })
])
export type BranchEnvState = z.output<typeof BranchEnvStateSchema>

/** One branch running on this machine ("Run locally"). */
export const BranchEnvSchema = z.object({
  id: z.string(),
  target: BranchEnvTargetSchema,
  /** What the board shows: the branch name, or `staging (20261126.1204-abc1234)`. */
  label: z.string(),
  /** The commit checked out and running. */
  sha: z.string(),
  /** The branch's newer tip when it moved since this started (Update restarts on it), else null. */
  newerSha: z.string().nullable(),
  port: z.number().int(),
  /** The app's address (the health URL's origin), e.g. `http://127.0.0.1:43121/`. */
  url: z.string(),
  state: BranchEnvStateSchema,
  startedAt: z.string(),
  /** Bytes in its log so far (`branchEnvs.log` reads windows of it). */
  logBytes: z.number().int().nonnegative()
})
export type BranchEnv = z.output<typeof BranchEnvSchema>

/** True while the environment holds processes (starting, running or stopping). */
export function isBranchEnvActive(env: BranchEnv): boolean {
  return (
    env.state.kind === 'starting' || env.state.kind === 'running' || env.state.kind === 'stopping'
  )
}

/** Processes left by a Slipway that ended without stopping them (a crash, SIGKILL). */
export const BranchEnvLeftoverSchema = z.object({
  label: z.string(),
  port: z.number().int(),
  pgid: z.number().int(),
  /** The live processes of the group: pid and command line. */
  processes: z.array(z.object({ pid: z.number().int(), command: z.string() }))
})
export type BranchEnvLeftover = z.output<typeof BranchEnvLeftoverSchema>
