import { z } from 'zod'

/** A release: an immutable artifact built once from one main commit. */
export const ReleaseSchema = z.object({
  /** Sortable id, e.g. `20261126.1204-abc1234`. */
  id: z.string(),
  commit: z.string(),
  /** The commit's subject. */
  subject: z.string(),
  createdAt: z.string(),
  createdBy: z.string(),
  /** sha256 of the tarball, hex. */
  sha256: z.string(),
  sizeBytes: z.number(),
  /** Ticket keys in the commits since the previous release. */
  tickets: z.array(z.string()),
  /** Commits since the previous release (newest first). */
  commits: z.array(z.object({ sha: z.string(), subject: z.string() })),
  previousId: z.string().nullable()
})
export type Release = z.output<typeof ReleaseSchema>

/** Who holds an environment's lock on a host. */
export const LockSchema = z.object({
  holder: z.string(),
  machine: z.string(),
  reason: z.string(),
  since: z.string(),
  /** Refreshed while the holder is alive; older than the stale timeout means stale. */
  heartbeatAt: z.string(),
  stale: z.boolean(),
  /**
   * Set when the lock was taken by a Slipway on this machine that is known to be gone (killed,
   * crashed, the machine restarted): why. Such a lock is stale at once, whatever its heartbeat.
   */
  holderGone: z.string().optional(),
  /** A reason to break it with, filled in for the user when the holder is known gone. */
  suggestedReason: z.string().optional()
})
export type Lock = z.output<typeof LockSchema>

/** Health of a host as last checked. */
export const HealthSchema = z.object({
  kind: z.enum(['healthy', 'unhealthy', 'unknown']),
  /** The release id the app reported, when it did. */
  release: z.string().nullable(),
  detail: z.string()
})
export type Health = z.output<typeof HealthSchema>

/** What is really on one host, read from it. */
export const HostStatusSchema = z.object({
  /** The host's display name: config `name`, else host or folder. */
  host: z.string(),
  reachable: z.boolean(),
  /** Why it could not be read, when unreachable. */
  error: z.string().nullable(),
  /** The current release id, or null when nothing is deployed. */
  release: z.string().nullable(),
  /** The release before the current one (rollback target), or null. */
  previous: z.string().nullable(),
  releases: z.array(z.string()),
  health: HealthSchema,
  /** Convenience: health.kind === 'healthy'. */
  healthy: z.boolean(),
  lock: LockSchema.nullable()
})
export type HostStatus = z.output<typeof HostStatusSchema>

/** A freeze in force: the windows (as written in slipway.yml) and when it ends. */
export const ActiveFreezeSchema = z.object({
  windows: z.array(z.string()),
  /** ISO instant. */
  endsAt: z.string(),
  /** The end as wall-clock time in `timeZone`: `2026-12-07 08:00`. */
  endsAtLocal: z.string(),
  timeZone: z.string()
})
export type ActiveFreeze = z.output<typeof ActiveFreezeSchema>

/** A deploy or promotion made inside a freeze with a written reason, as the hosts recorded it. */
export const FreezeOverrideSchema = z.object({
  reason: z.string(),
  by: z.string(),
  at: z.string(),
  release: z.string(),
  /** The freeze it overrode; the override is in force until that freeze ends. */
  freeze: ActiveFreezeSchema
})
export type FreezeOverride = z.output<typeof FreezeOverrideSchema>

/** One environment's status, read from all its hosts in parallel. */
export const EnvironmentStatusSchema = z.object({
  environment: z.string(),
  hosts: z.array(HostStatusSchema),
  /** True when the hosts do not all run the same release. */
  drift: z.boolean(),
  /** Releases known bad for this environment (failed a deploy). */
  badReleases: z.array(z.string()),
  /** Why a release was marked bad, where this machine knows it: release id → reason. */
  badReasons: z.record(z.string(), z.string()).optional(),
  /** The freeze in force when read (from slipway.yml and the clock), or null. */
  freeze: ActiveFreezeSchema.nullable().optional(),
  /** The newest freeze override the hosts recorded whose freeze has not ended yet, or null. */
  freezeOverride: FreezeOverrideSchema.nullable().optional(),
  readAt: z.string()
})
export type EnvironmentStatus = z.output<typeof EnvironmentStatusSchema>

/** The steps of a deployment on one host, in order. */
export const DeployStepSchema = z.enum([
  'preflight',
  'lock',
  'upload',
  'verify',
  'unpack',
  'activate',
  'hook',
  'health',
  'rollback',
  'unlock',
  'cleanup'
])
export type DeployStep = z.output<typeof DeployStepSchema>

/**
 * How a release reached one host: `full` (the whole tarball), `delta` (only changed files sent,
 * the rest copied on the host from release `base`) or `present` (already there, nothing sent).
 */
export const HostTransferSchema = z.object({
  mode: z.enum(['full', 'delta', 'present']),
  /** Bytes this machine sent to the host for the upload (payload counted in the transport). */
  bytesSent: z.number().int().nonnegative(),
  /** Bytes of files the host copied from `base` instead of receiving them. */
  bytesReused: z.number().int().nonnegative(),
  /** The release the unchanged files came from (delta only). */
  base: z.string().nullable(),
  /** Why a delta was not used or failed, when it was considered (or why fan-out was not used). */
  fallback: z.string().nullable(),
  /**
   * Fan-out: the host of the environment this one fetched the release (or its delta) from over
   * SSH, and how many bytes it fetched. Absent or null: every byte came from this machine.
   */
  relay: z.object({ host: z.string(), bytes: z.number().int().nonnegative() }).nullable().optional()
})
export type HostTransfer = z.output<typeof HostTransferSchema>

/** How one step stands on one host. */
export const StepStateSchema = z.enum([
  'pending',
  'running',
  'done',
  'failed',
  'skipped',
  'rolled-back'
])
export type StepState = z.output<typeof StepStateSchema>

/** One step a host reported, with its latest state and message. */
export const HostStepSchema = z.object({
  step: DeployStepSchema,
  state: StepStateSchema,
  message: z.string()
})
export type HostStep = z.output<typeof HostStepSchema>

/** Where one host stands in a deployment. */
export const HostDeployStateSchema = z.object({
  host: z.string(),
  step: DeployStepSchema,
  state: StepStateSchema,
  /** Upload progress, 0..1, when uploading. */
  progress: z.number().nullable(),
  message: z.string(),
  /** What the upload sent and reused (absent before the upload, and in older records). */
  transfer: HostTransferSchema.optional(),
  /**
   * Every step this host reported or skipped, in the order first reported, each with its latest
   * state and message: a failed health check keeps its last answer after the host is switched
   * back. Absent in older records (then only `step` and `state` are known).
   */
  steps: z.array(HostStepSchema).optional(),
  /**
   * While a health check is waited for (the health step, or the check after switching back):
   * when the wait gives up, ISO instant (`healthCheck.timeoutSeconds` after it began); else null.
   */
  healthDeadline: z.string().nullable().optional()
})
export type HostDeployState = z.output<typeof HostDeployStateSchema>

/** A deployment of one release to one environment; `status` is its lifecycle. */
export const DeploymentSchema = z.object({
  id: z.string(),
  /** The workspace (repository root) it belongs to: the board of another shows none of it. */
  workspace: z.string(),
  kind: z.enum(['deploy', 'rollback']),
  release: z.string(),
  environment: z.string(),
  status: z.enum(['running', 'succeeded', 'failed', 'cancelled', 'rolled-back']),
  startedBy: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  hosts: z.array(HostDeployStateSchema),
  /** Human-readable log lines, oldest first. */
  log: z.array(z.string()),
  /** One sentence saying how it ended. */
  summary: z.string(),
  /**
   * Bumped by every change. A snapshot answered by a request and one pushed by an event may
   * arrive in either order; the higher version is the newer one.
   */
  version: z.number().int().nonnegative()
})
export type Deployment = z.output<typeof DeploymentSchema>

/** What one host's log says about one deployment or rollback. */
export const HistoryHostSchema = z.object({
  host: z.string(),
  /** The last event the host logged for it (`started`, `finished`, `failed`…). */
  last: z.string(),
  /** What went wrong (the step or the error), when the host said. */
  detail: z.string().nullable(),
  /** What the upload sent to and reused on the host, when it logged it (deploys since #14). */
  transfer: HostTransferSchema.optional()
})

/**
 * One deployment or rollback as the environment's hosts recorded it (their
 * `.slipway/deployments.jsonl`), merged across hosts.
 */
export const DeploymentRecordSchema = z.object({
  id: z.string(),
  kind: z.enum(['deploy', 'rollback']),
  environment: z.string(),
  /** The release it made (or tried to make) current. */
  release: z.string().nullable(),
  /** What was current before, as the first host that logged it said. */
  from: z.string().nullable(),
  by: z.string(),
  machine: z.string().nullable(),
  /** Why, as the user said when starting it; null when not said. */
  reason: z.string().nullable(),
  startedAt: z.string(),
  /** When the last host logged its end; null while a host has not. */
  finishedAt: z.string().nullable(),
  /** `finished` only when every host that took part finished. */
  outcome: z.enum(['finished', 'failed', 'cancelled', 'unfinished']),
  hosts: z.array(HistoryHostSchema)
})
export type DeploymentRecord = z.output<typeof DeploymentRecordSchema>

/** `deployments.history`: the merged records, newest first, and the hosts that could not be read. */
export const DeploymentHistorySchema = z.object({
  environment: z.string(),
  records: z.array(DeploymentRecordSchema),
  unreadable: z.array(z.object({ host: z.string(), error: z.string() }))
})
export type DeploymentHistory = z.output<typeof DeploymentHistorySchema>
