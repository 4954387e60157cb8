/**
 * Pull requests: stored as team state (`refs/slipway/pulls/<id>`), with their commits,
 * changed files and windowed diffs, review comments, approvals, checks (merge-result tests,
 * required approvals from non-authors, up to date) and the merge into main.
 */
export {
  PullRequestsService,
  type OpenedPullRequest,
  type PullRequestsOptions,
  type PullSync,
  type PullTicketHooks
} from './pull-requests-service'
export { mergePullRequest, type MergeProgress } from './merge'
export { testServiceMergeTests, type MergeTests } from './merge-tests'
export { evaluateChecks, commitAuthors, type CheckInputs } from './checks'
export { foldPullRequest, latestReviews, PR_OPS } from './pr-fold'
export { parseUnifiedDiff, MAX_DIFF_WINDOW } from './diff'
export { plainBranchName, type PushResult } from './pr-git'
