import { z } from 'zod'
import { defineMethods, EmptyRequest } from './contract-method'

/** Where one environment with `deployOn: merge` stands in a merge release. */
export const MergeDeploySchema = z.object({
  environment: z.string(),
  /**
   * `waiting` for the build; `deploying` (see `deployment`); `succeeded`; `failed` (build or
   * deploy; `reason` says why, and a built release is marked bad there); `skipped` when the
   * environment already ran a release of this commit.
   */
  state: z.enum(['waiting', 'deploying', 'succeeded', 'failed', 'skipped']),
  /** The deployment's id once it started (its progress comes as `deployments.changed`). */
  deployment: z.string().nullable(),
  /** Why it failed or was skipped; the deployment's summary when it ended. */
  reason: z.string().nullable()
})
/** One environment of a {@link MergeRelease}. */
export type MergeDeploy = z.output<typeof MergeDeploySchema>

/**
 * What Slipway did after main moved by a merge: a release built from the new main commit, then
 * deployed to each environment with `deployOn: merge`.
 */
export const MergeReleaseSchema = z.object({
  id: z.string(),
  /** The new main commit. */
  commit: z.string(),
  subject: z.string(),
  /** How the merge was noticed: main moved on disk, or a pull request merged it. */
  trigger: z.enum(['main-moved', 'pull-request']),
  /** `queued` behind another merge; `building`; `deploying`; then how it ended. */
  state: z.enum(['queued', 'building', 'deploying', 'succeeded', 'failed']),
  /** The release built from the commit, once built. */
  release: z.string().nullable(),
  /** The build's last output line while building. */
  step: z.string().nullable(),
  /** Why the build failed (null otherwise). */
  reason: z.string().nullable(),
  environments: z.array(MergeDeploySchema),
  startedAt: z.string(),
  finishedAt: z.string().nullable()
})
/** A merge release. */
export type MergeRelease = z.output<typeof MergeReleaseSchema>

/** Merge-and-release methods: method → request → response. Spread into contract.ts. */
export const mergeReleaseMethods = defineMethods({
  /**
   * The workspace's merge releases, newest first (the last 50). The first call starts watching
   * main for merges (the board asks as soon as it shows a workspace).
   */
  'mergeReleases.list': {
    request: EmptyRequest,
    response: z.array(MergeReleaseSchema),
    effect: 'read'
  }
})

/** Events of the merge-and-release domain: name → payload. */
export interface MergeReleaseEvents {
  /** A merge release started, moved a step, or ended. */
  'mergeReleases.changed': { readonly mergeRelease: MergeRelease }
}
