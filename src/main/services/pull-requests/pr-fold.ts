/**
 * Folds a pull request's operations (in fold order) into its state. Conflict rules: title and
 * description are set by the latest operation in fold order that sets them; comments and
 * reviews accumulate (a reviewer's latest review is their verdict); `merged` is final: once a
 * merge operation exists the pull request is merged whatever else arrived around it, and
 * close / reopen otherwise take the latest in fold order.
 */
import {
  ReviewVerdictSchema,
  type MergeRecord,
  type PullRequest,
  type ReviewComment,
  type Review
} from '../../../shared/pull-request-models'
import type { Operation } from '../team-state'

/** Operation types of the pull-request log. */
export const PR_OPS = {
  open: 'pr.open',
  edit: 'pr.edit',
  comment: 'pr.comment',
  review: 'pr.review',
  merge: 'pr.merge',
  close: 'pr.close',
  reopen: 'pr.reopen'
} as const

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null)
const iso = (ms: number): string => new Date(ms).toISOString()
const person = (op: Operation): { name: string; email: string } => ({
  name: op.author.name,
  email: op.author.email
})

/** The pull request `id`, or null when its log has no valid open operation. */
export function foldPullRequest(id: string, ops: readonly Operation[]): PullRequest | null {
  const open = ops.find((o) => o.type === PR_OPS.open)
  const branch = open ? str(open.data.branch) : null
  if (!open || !branch) return null
  let title = str(open.data.title) ?? branch
  let description = str(open.data.description) ?? ''
  let closed = false
  let merged: MergeRecord | null = null
  let updated = open.time
  const reviews: Review[] = []
  const comments: ReviewComment[] = []
  for (const op of ops) {
    const d = op.data
    switch (op.type) {
      case PR_OPS.edit:
        if (str(d.title)?.trim()) title = (d.title as string).trim()
        if (str(d.description) !== null) description = d.description as string
        break
      case PR_OPS.comment: {
        const body = str(d.body)
        if (!body) continue
        const line = typeof d.line === 'number' && Number.isSafeInteger(d.line) ? d.line : null
        comments.push({
          id: op.sha,
          author: person(op),
          body,
          path: str(d.path),
          line,
          side: d.side === 'old' || d.side === 'new' ? d.side : null,
          commit: str(d.commit),
          at: iso(op.time)
        })
        break
      }
      case PR_OPS.review: {
        const verdict = ReviewVerdictSchema.safeParse(d.verdict)
        const commit = str(d.commit)
        if (!verdict.success || !commit) continue
        reviews.push({
          id: op.sha,
          author: person(op),
          verdict: verdict.data,
          body: str(d.body) ?? '',
          commit,
          at: iso(op.time)
        })
        break
      }
      case PR_OPS.merge: {
        const commit = str(d.commit)
        const head = str(d.head)
        const main = str(d.main)
        const method = d.method === 'squash' ? 'squash' : 'merge'
        // The first merge in fold order is the merge (a second could only be hand-made).
        if (commit && head && main && !merged) {
          merged = { commit, method, head, main, by: person(op), at: iso(op.time) }
        }
        break
      }
      case PR_OPS.close:
        closed = true
        break
      case PR_OPS.reopen:
        closed = false
        break
      default:
        continue
    }
    if (op.time > updated) updated = op.time
  }
  return {
    id,
    branch,
    title: title.trim() || branch,
    description,
    ticket: str(open.data.ticket),
    author: person(open),
    openedAt: iso(open.time),
    updatedAt: iso(updated),
    state: merged ? 'merged' : closed ? 'closed' : 'open',
    reviews,
    comments,
    merged
  }
}

/** Each reviewer's latest review (by email), in fold order of those latest reviews. */
export function latestReviews(reviews: readonly Review[]): Review[] {
  const byEmail = new Map<string, Review>()
  for (const r of reviews) {
    byEmail.delete(r.author.email.toLowerCase())
    byEmail.set(r.author.email.toLowerCase(), r)
  }
  return [...byEmail.values()]
}
