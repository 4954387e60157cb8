import { pullOf } from '../stores/pulls-store'
import { usePulls } from '../stores/use-team'

/** A branch card's pull request, in short: its state and, while open, how its reviews stand. */
export function PullBadge({ branch }: { readonly branch: string }): React.JSX.Element | null {
  const pulls = usePulls((s) => s.pulls)
  const pr = pullOf(pulls, branch)
  if (!pr) return null
  const approvals = pr.reviews.filter((r) => r.verdict === 'approve').length
  const changes = pr.reviews.some((r) => r.verdict === 'request-changes')
  const detail =
    pr.state !== 'open'
      ? pr.state
      : changes
        ? 'changes requested'
        : approvals > 0
          ? `${approvals} approval${approvals === 1 ? '' : 's'}`
          : 'in review'
  return (
    <span
      className={`pull-badge state-${pr.state}`}
      data-testid="pull-badge"
      title={`Pull request: ${pr.title} (${detail})`}
    >
      PR {detail}
    </span>
  )
}
