import { z } from 'zod'
import { SafeName } from './config-schema'
import {
  DeploymentHistorySchema,
  DeploymentSchema,
  EnvironmentStatusSchema,
  ReleaseSchema,
  type Deployment,
  type EnvironmentStatus,
  type Release
} from './deploy-models'
import { defineMethods, EmptyRequest as Empty } from './contract-method'

/** A release id as the releases store writes them: `20261126.1204-abc1234` (optionally `-2`). */
export const ReleaseIdSchema = z
  .string()
  .regex(/^\d{8}\.\d{4,6}-[0-9a-f]{7,12}(-\d+)?$/, 'a release id like 20261126.1204-abc1234')

/** What `hosts.scan` found about one host's SSH host key. */
export const HostKeyScanSchema = z.object({
  /** The host's display name. */
  host: z.string(),
  /** What to pass to `hosts.trustKey` (the ssh HostName and port). */
  address: z.string(),
  port: z.number(),
  state: z.enum(['trusted', 'unknown', 'changed', 'unreachable', 'local']),
  keyType: z.string().nullable(),
  /** The key, base64, when the host offered one that is not trusted yet. */
  key: z.string().nullable(),
  /** `SHA256:…` as OpenSSH prints it. */
  fingerprint: z.string().nullable(),
  message: z.string()
})
/** One row of `hosts.scan`. */
export type HostKeyScan = z.output<typeof HostKeyScanSchema>

/**
 * Release, deployment and environment methods: method → request → response.
 * Spread into the one `contract` in contract.ts.
 */
export const deployMethods = defineMethods({
  /** Releases of the open workspace, newest first. */
  'releases.list': { request: Empty, response: z.array(ReleaseSchema), effect: 'read' },
  /** Builds a release from a main commit (default: main's tip); progress as `releases.changed`. */
  'releases.create': {
    request: z
      .object({
        commit: z
          .string()
          .regex(/^[0-9a-f]{7,40}$/, 'a commit sha (7 to 40 hex digits)')
          .optional()
      })
      .strict(),
    response: ReleaseSchema,
    effect: 'change'
  },
  /** Removes all but the newest `keep` releases (never one being deployed). */
  'releases.prune': {
    request: z.object({ keep: z.number().int().min(1).max(1000).default(10) }).strict(),
    response: z.object({ removed: z.array(z.string()) }),
    effect: 'change'
  },
  /** Reads one environment from all its hosts, in parallel. */
  'environments.status': {
    request: z.object({ environment: SafeName }).strict(),
    response: EnvironmentStatusSchema,
    effect: 'read'
  },
  /** Makes the previous good release (or `to`) current on every host; returns at once, running. */
  'environments.rollback': {
    request: z
      .object({
        environment: SafeName,
        to: ReleaseIdSchema.optional(),
        reason: z.string().max(500).optional()
      })
      .strict(),
    response: DeploymentSchema,
    effect: 'change'
  },
  /** Breaks a (stale) lock on every host of the environment; the reason is recorded. */
  'environments.breakLock': {
    request: z
      .object({
        environment: SafeName,
        reason: z.string().trim().min(3, 'say why the lock is broken (3 characters or more)')
      })
      .strict(),
    response: z.object({ ok: z.literal(true) }),
    effect: 'change'
  },
  /**
   * Starts deploying a release; returns at once, running; progress as `deployments.changed`.
   * Inside a freeze window it is refused (`frozen`) unless `overrideFreeze` says why in writing.
   */
  'deployments.start': {
    request: z
      .object({
        release: ReleaseIdSchema,
        environment: SafeName,
        reason: z.string().max(500).optional(),
        overrideFreeze: z.string().max(500).optional()
      })
      .strict(),
    response: DeploymentSchema,
    effect: 'change'
  },
  /** Asks a running deployment to stop; it rolls back what it activated. */
  'deployments.cancel': {
    request: z.object({ id: z.string().min(1).max(200) }).strict(),
    response: DeploymentSchema,
    effect: 'change'
  },
  /** The open workspace's deployments (this session's, then this machine's records), newest first. */
  'deployments.list': { request: Empty, response: z.array(DeploymentSchema), effect: 'read' },
  /**
   * Every deployment and rollback of an environment as its hosts recorded them (each host's
   * `.slipway/deployments.jsonl`, merged), newest first; unreachable hosts are named.
   */
  'deployments.history': {
    request: z
      .object({ environment: SafeName, limit: z.number().int().min(1).max(1000).optional() })
      .strict(),
    response: DeploymentHistorySchema,
    effect: 'read'
  },
  /** Connects to each host of an environment and reports its host key (trusted or not). */
  'hosts.scan': {
    request: z.object({ environment: SafeName }).strict(),
    response: z.array(HostKeyScanSchema),
    effect: 'read'
  },
  /** Trusts a host key the user accepted after seeing its fingerprint. */
  'hosts.trustKey': {
    request: z
      .object({
        host: z.string().regex(/^[A-Za-z0-9_.:[\]-]+$/, 'a host name or address'),
        port: z.number().int().min(1).max(65535),
        keyType: z.string().regex(/^[a-z0-9@.-]+$/, 'an ssh key type'),
        key: z.string().regex(/^[A-Za-z0-9+/=]+$/, 'a base64 key')
      })
      .strict(),
    response: z.object({ ok: z.literal(true) }),
    effect: 'change'
  },
  /** Keeps a key file's passphrase in memory for this session (never written anywhere). */
  'credentials.setPassphrase': {
    request: z.object({ keyFile: z.string().min(1), passphrase: z.string().min(1) }).strict(),
    response: z.object({ ok: z.literal(true) }),
    effect: 'change'
  }
})

/** How a release build is going, pushed as `releases.changed`. */
export type ReleasesChange =
  | {
      readonly kind: 'building'
      readonly step: 'worktree' | 'build' | 'pack'
      readonly line: string
    }
  | { readonly kind: 'created'; readonly release: Release }
  | { readonly kind: 'failed'; readonly message: string }
  | { readonly kind: 'pruned'; readonly removed: readonly string[] }

/** Events of the release and deploy domain: name → payload. */
export interface DeployEvents {
  /** A deployment or rollback changed; carries the whole (small) deployment. */
  'deployments.changed': { readonly deployment: Deployment }
  /** A release is being built, was created or releases were pruned. */
  'releases.changed': ReleasesChange
  /** An environment's hosts changed (deploy finished, lock broken); carries a fresh reading. */
  'environments.changed': {
    /** The workspace (repository root) the environment belongs to. */
    readonly workspace: string
    readonly environment: string
    readonly status: EnvironmentStatus | null
  }
}
