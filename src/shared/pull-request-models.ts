import { z } from 'zod'
import { CommitSchema } from './models'
import { PersonSchema } from './ticket-models'
import { TestRunSchema } from './test-models'

/** A pull request's lifecycle; `merged` is final. */
export const PullRequestStateSchema = z.enum(['open', 'merged', 'closed'])
export type PullRequestState = z.output<typeof PullRequestStateSchema>

/** What a review says. */
export const ReviewVerdictSchema = z.enum(['approve', 'request-changes'])
export type ReviewVerdict = z.output<typeof ReviewVerdictSchema>

/** One review: a verdict on one commit of the branch. */
export const ReviewSchema = z.object({
  /** The operation's commit id. */
  id: z.string(),
  author: PersonSchema,
  verdict: ReviewVerdictSchema,
  body: z.string(),
  /** The branch tip that was reviewed. */
  commit: z.string(),
  at: z.string()
})
export type Review = z.output<typeof ReviewSchema>

/** A review comment, on the whole pull request or on one line of one file. */
export const ReviewCommentSchema = z.object({
  id: z.string(),
  author: PersonSchema,
  body: z.string(),
  path: z.string().nullable(),
  /** Line in the new version of `path` (or the old one for a removed line, with side 'old'). */
  line: z.number().int().nullable(),
  side: z.enum(['old', 'new']).nullable(),
  commit: z.string().nullable(),
  at: z.string()
})
export type ReviewComment = z.output<typeof ReviewCommentSchema>

/** How a pull request was merged. */
export const MergeRecordSchema = z.object({
  commit: z.string(),
  method: z.enum(['merge', 'squash']),
  /** The branch tip and main's tip that were merged. */
  head: z.string(),
  main: z.string(),
  by: PersonSchema,
  at: z.string()
})
export type MergeRecord = z.output<typeof MergeRecordSchema>

/** A pull request, folded from its operation log. */
export const PullRequestSchema = z.object({
  id: z.string(),
  branch: z.string(),
  title: z.string(),
  description: z.string(),
  /** The ticket key found in the branch name, or null. */
  ticket: z.string().nullable(),
  author: PersonSchema,
  openedAt: z.string(),
  updatedAt: z.string(),
  state: PullRequestStateSchema,
  reviews: z.array(ReviewSchema),
  comments: z.array(ReviewCommentSchema),
  merged: MergeRecordSchema.nullable()
})
export type PullRequest = z.output<typeof PullRequestSchema>

/** The names of a pull request's checks, in the order shown. */
export const CheckNameSchema = z.enum(['tests', 'approvals', 'up-to-date'])
export type CheckName = z.output<typeof CheckNameSchema>

/** One check: passed, failed (with the reason) or pending (not run yet, running). */
export const CheckSchema = z.object({
  name: CheckNameSchema,
  status: z.enum(['passed', 'failed', 'pending']),
  /** One line saying why. */
  summary: z.string(),
  /** The merge-result test run behind `tests` and `up-to-date`, when there is one. */
  run: TestRunSchema.nullable()
})
export type Check = z.output<typeof CheckSchema>

/** An open pull request's checks without their runs, as a branch card shows them. */
export const PullChecksSchema = z.object({
  branch: z.string(),
  checks: z.array(CheckSchema.omit({ run: true }))
})
export type PullChecks = z.output<typeof PullChecksSchema>

/** A commit of a pull request, with its author's email (approvals depend on it). */
export const PullCommitSchema = CommitSchema.extend({ authorEmail: z.string() })
export type PullCommit = z.output<typeof PullCommitSchema>

/** A pull request with what is live: its branch tip, main's tip, its commits and checks. */
export const PullRequestViewSchema = z.object({
  pullRequest: PullRequestSchema,
  /** The branch tip now (local branch, else origin's), or null when the branch is gone. */
  head: z.string().nullable(),
  /** The ref the tip was read from: `ORD-1-x` or `origin/ORD-1-x`. */
  headRef: z.string().nullable(),
  mainSha: z.string().nullable(),
  commits: z.array(PullCommitSchema),
  /** Empty for a merged or closed pull request. */
  checks: z.array(CheckSchema),
  /** Every check passed (an open pull request only). */
  mergeable: z.boolean()
})
export type PullRequestView = z.output<typeof PullRequestViewSchema>

/** A changed file of a pull request. */
export const ChangedFileSchema = z.object({
  path: z.string(),
  /** The old path of a renamed or copied file. */
  oldPath: z.string().nullable(),
  status: z.enum(['added', 'modified', 'deleted', 'renamed', 'copied', 'type-changed']),
  /** Null for a binary file. */
  additions: z.number().int().nullable(),
  deletions: z.number().int().nullable()
})
export type ChangedFile = z.output<typeof ChangedFileSchema>

/** The changed files between the merge base and the branch tip. */
export const ChangedFilesSchema = z.object({
  base: z.string(),
  head: z.string(),
  files: z.array(ChangedFileSchema)
})
export type ChangedFiles = z.output<typeof ChangedFilesSchema>

/** One row of a unified diff. */
export const DiffLineSchema = z.object({
  kind: z.enum(['hunk', 'context', 'add', 'del', 'note']),
  oldLine: z.number().int().nullable(),
  newLine: z.number().int().nullable(),
  text: z.string()
})
export type DiffLine = z.output<typeof DiffLineSchema>

/** A window of one file's diff (rows `offset` … `offset + lines.length`), for a virtual list. */
export const FileDiffSchema = z.object({
  path: z.string(),
  base: z.string(),
  head: z.string(),
  binary: z.boolean(),
  totalLines: z.number().int(),
  offset: z.number().int(),
  lines: z.array(DiffLineSchema)
})
export type FileDiff = z.output<typeof FileDiffSchema>

/** How a merge ended: merged, or origin's main moved and the merge result is being retested. */
export const MergeOutcomeSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('merged'),
    pullRequest: PullRequestSchema,
    commit: z.string(),
    /** Main was pushed to origin (false without an origin). */
    pushed: z.boolean(),
    /** The branch may now be deleted (here and on origin). */
    branchDeletable: z.boolean()
  }),
  z.object({
    kind: z.literal('main-moved'),
    /** Origin's main now. */
    main: z.string(),
    /** The new merge-result run; merge again once it passed. */
    retest: TestRunSchema.nullable(),
    message: z.string()
  })
])
export type MergeOutcome = z.output<typeof MergeOutcomeSchema>
