import { z } from 'zod'
import { defineMethods } from './contract-method'
import {
  ChangedFilesSchema,
  FileDiffSchema,
  MergeOutcomeSchema,
  PullChecksSchema,
  PullRequestSchema,
  PullRequestStateSchema,
  PullRequestViewSchema,
  ReviewVerdictSchema
} from './pull-request-models'

// A branch as the user names it (`ORD-1-x` or `origin/ORD-1-x`), or a pull request's id; only
// looked up among the repository's own refs and pull requests, never handed to git as typed.
const Branch = z.string().trim().min(1, 'a branch is required').max(250)

/** What opening answered: the pull request, and how pushing the branch to origin went. */
export const OpenedPullRequestSchema = z.object({
  view: PullRequestViewSchema,
  push: z.object({
    kind: z.enum(['pushed', 'no-origin', 'rejected', 'unreachable']),
    message: z.string().optional()
  })
})

/** The progress of a merge, as `pullRequests.mergeProgress` events carry it. */
export const MergeProgressSchema = z.object({
  kind: z.enum(['syncing', 'testing', 'merging', 'pushing']),
  /** The merge-result run being awaited (kind `testing`). */
  runId: z.string().nullable()
})

/** Pull-request methods. Spread into the one `contract` in contract.ts. */
export const pullRequestMethods = defineMethods({
  /** Pull requests, newest first (default: open ones). */
  'pullRequests.list': {
    request: z
      .object({ state: z.union([PullRequestStateSchema, z.literal('all')]).default('open') })
      .strict(),
    response: z.array(PullRequestSchema),
    effect: 'read'
  },
  /** The checks of every open pull request as they are now (for the branch cards). */
  'pullRequests.checks': {
    request: z.object({}).strict(),
    response: z.array(PullChecksSchema),
    effect: 'read'
  },
  /** A pull request with its commits and checks as they are now. */
  'pullRequests.get': {
    request: z.object({ branch: Branch }).strict(),
    response: PullRequestViewSchema,
    effect: 'read'
  },
  /** Opens a pull request for a branch (pushed to origin first when there is one). */
  'pullRequests.open': {
    request: z
      .object({
        branch: Branch,
        title: z.string().trim().max(200).optional(),
        description: z.string().max(20_000).optional()
      })
      .strict(),
    response: OpenedPullRequestSchema,
    effect: 'change'
  },
  /** Approves or requests changes on the branch's tip (your own approval is refused). */
  'pullRequests.review': {
    request: z
      .object({
        branch: Branch,
        verdict: ReviewVerdictSchema,
        body: z.string().max(20_000).default('')
      })
      .strict(),
    response: PullRequestViewSchema,
    effect: 'change'
  },
  /** A review comment on the pull request, or on one line of a changed file. */
  'pullRequests.comment': {
    request: z
      .object({
        branch: Branch,
        body: z.string().trim().min(1, 'a comment needs some text').max(20_000),
        path: z.string().min(1).max(4096).optional(),
        line: z.number().int().min(1).optional(),
        side: z.enum(['old', 'new']).optional()
      })
      .strict(),
    response: PullRequestViewSchema,
    effect: 'change'
  },
  /** The files changed from the merge base with main to the branch tip. */
  'pullRequests.files': {
    request: z.object({ branch: Branch }).strict(),
    response: ChangedFilesSchema,
    effect: 'read'
  },
  /** A window of one changed file's diff (for a virtualized view). */
  'pullRequests.diff': {
    request: z
      .object({
        branch: Branch,
        path: z.string().min(1).max(4096),
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(5000).default(1000)
      })
      .strict(),
    response: FileDiffSchema,
    effect: 'read'
  },
  /**
   * Merges into main when every check passes (the merge-result tests are run and awaited when
   * missing; progress as `pullRequests.mergeProgress`), pushing main to origin. A failing check
   * is a `conflict` whose details list `checks`.
   */
  'pullRequests.merge': {
    request: z.object({ branch: Branch }).strict(),
    response: MergeOutcomeSchema,
    effect: 'change'
  },
  /** Closes an open pull request without merging. */
  'pullRequests.close': {
    request: z.object({ branch: Branch }).strict(),
    response: PullRequestViewSchema,
    effect: 'change'
  },
  /** Deletes a merged pull request's branch, here and on origin. */
  'pullRequests.deleteBranch': {
    request: z.object({ branch: Branch }).strict(),
    response: z.object({
      local: z.boolean(),
      origin: z.object({
        kind: z.enum(['pushed', 'no-origin', 'rejected', 'unreachable']),
        message: z.string().optional()
      })
    }),
    effect: 'change'
  }
})

/** Events of the pull-request domain: name → payload. */
export interface PullRequestEvents {
  /** Pull requests changed here or arrived with a sync. */
  'pullRequests.changed': { readonly reason: string }
  /** A merge moved on. */
  'pullRequests.mergeProgress': {
    readonly branch: string
    readonly progress: z.output<typeof MergeProgressSchema>
  }
}
