/**
 * A pull request's checks, from what is known now: the merge-result test runs of its tip,
 * its reviews and the authors of its commits. Pure: the service gathers the inputs.
 */
import type { SlipwayConfig } from '../../../shared/config-schema'
import type { Check, PullCommit, PullRequest, Review } from '../../../shared/pull-request-models'
import type { TestRun } from '../../../shared/test-models'
import { latestReviews } from './pr-fold'

/** What the checks are computed from. */
export interface CheckInputs {
  readonly pullRequest: PullRequest
  readonly head: string | null
  readonly mainSha: string | null
  /** The branch's commits not on main. */
  readonly commits: readonly PullCommit[]
  readonly config: SlipwayConfig
  /** The newest merge-result run of `head` into `mainSha`. */
  readonly exactRun: TestRun | null
  /** The newest merge-result run of `head` into any main. */
  readonly latestRun: TestRun | null
}

const short = (sha: string): string => sha.slice(0, 8)

/** The emails (lower case) of everyone who authored a commit of the branch. */
export function commitAuthors(commits: readonly PullCommit[]): Set<string> {
  return new Set(commits.map((c) => c.authorEmail.toLowerCase()))
}

/** The three checks, in order: tests, approvals, up to date. */
export function evaluateChecks(i: CheckInputs): Check[] {
  return [testsCheck(i), approvalsCheck(i), upToDateCheck(i)]
}

function testsCheck(i: CheckInputs): Check {
  const check = (status: Check['status'], summary: string, run: TestRun | null): Check => ({
    name: 'tests',
    status,
    summary,
    run
  })
  if (!i.config.test) {
    return check('failed', 'slipway.yml has no test.command, so nothing tests the merge', null)
  }
  if (!i.head) return check('failed', `the branch ${i.pullRequest.branch} is gone`, null)
  if (!i.mainSha) return check('failed', 'there is no main branch to merge into', null)
  const run = i.exactRun ?? i.latestRun
  if (!run) return check('pending', 'the merge result has not been tested yet', null)
  const onMain = run.mainSha ? ` (merge with main at ${short(run.mainSha)})` : ''
  switch (run.status) {
    case 'queued':
      return check('pending', `queued${onMain}`, run)
    case 'running':
      return check('pending', `running${onMain}`, run)
    case 'passed':
      return check('passed', `passed${onMain}`, run)
    case 'failed':
    case 'timed-out':
    case 'cancelled':
    case 'error':
      return check('failed', `${run.summary}${onMain}`, run)
  }
}

function approvalsCheck(i: CheckInputs): Check {
  const required = i.config.pullRequests.approvals
  const check = (status: Check['status'], summary: string): Check => ({
    name: 'approvals',
    status,
    summary,
    run: null
  })
  const authors = commitAuthors(i.commits)
  const latest = latestReviews(i.pullRequest.reviews)
  const blocking = latest.filter((r) => r.verdict === 'request-changes')
  if (blocking.length > 0) {
    return check('failed', `changes requested by ${names(blocking)}`)
  }
  const approvals = latest.filter((r) => r.verdict === 'approve')
  const own = approvals.filter((r) => authors.has(r.author.email.toLowerCase()))
  const stale = approvals.filter((r) => !own.includes(r) && r.commit !== i.head)
  const valid = approvals.filter((r) => !own.includes(r) && !stale.includes(r))
  if (valid.length >= required) {
    if (required === 0 && valid.length === 0) return check('passed', 'no approval required')
    return check('passed', `approved by ${names(valid)} (${required} required)`)
  }
  const notes: string[] = []
  if (own.length > 0) {
    notes.push(
      `${names(own)} authored commits on the branch, so ${own.length > 1 ? 'their approvals do' : 'that approval does'} not count`
    )
  }
  if (stale.length > 0) {
    notes.push(`${names(stale)} approved an older commit`)
  }
  const needed = `${required} approval${required > 1 ? 's' : ''} from someone who authored none of its commits required, ${valid.length} given`
  return check('failed', [needed, ...notes].join('; '))
}

function upToDateCheck(i: CheckInputs): Check {
  const check = (status: Check['status'], summary: string, run: TestRun | null): Check => ({
    name: 'up-to-date',
    status,
    summary,
    run
  })
  if (!i.mainSha || !i.head) return check('failed', 'the branch or main is missing', null)
  if (!i.config.test) return check('failed', 'no merge result is tested without test.command', null)
  const main = short(i.mainSha)
  if (i.exactRun) {
    if (i.exactRun.status === 'queued' || i.exactRun.status === 'running') {
      return check('pending', `the merge with main's tip ${main} is being tested`, i.exactRun)
    }
    return check('passed', `the merge with main's tip ${main} was tested`, i.exactRun)
  }
  if (i.latestRun?.mainSha) {
    return check(
      'failed',
      `main moved to ${main} since the merge result was tested (with ${short(i.latestRun.mainSha)})`,
      i.latestRun
    )
  }
  return check('pending', `the merge with main's tip ${main} has not been tested yet`, null)
}

function names(reviews: readonly Review[]): string {
  return reviews.map((r) => r.author.name || r.author.email).join(', ')
}
