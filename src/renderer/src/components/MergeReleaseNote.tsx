import type { MergeDeploy, MergeRelease } from '../../../shared'
import { formatAbsolute, formatRelative } from '../lib/format'
import { useMergeReleases } from '../stores/use-deploy'

/** The newest merge release that concerns `environment`, with that environment's part of it. */
function latestFor(
  list: readonly MergeRelease[],
  environment: string
): { readonly merge: MergeRelease; readonly env: MergeDeploy } | null {
  for (const merge of list) {
    const env = merge.environments.find((e) => e.environment === environment)
    if (env) return { merge, env }
  }
  return null
}

/**
 * What the last merge to main did on an environment deployed on merge: queued, building the
 * release (its latest output line), deployed, skipped, or why it failed. The deployment itself
 * shows its live progress on the lane like any other.
 */
export function MergeReleaseNote({
  environment,
  now
}: {
  readonly environment: string
  readonly now: number
}): React.JSX.Element | null {
  const list = useMergeReleases((s) => s.mergeReleases)
  const found = latestFor(list, environment)
  if (!found) return null
  const { merge, env } = found
  const commit = merge.commit.slice(0, 7)
  const when = merge.finishedAt ? `, ${formatRelative(merge.finishedAt, now)}` : ''
  const testId = `merge-release-${environment}`
  const title = `${merge.subject} (${merge.commit})${merge.finishedAt ? ` · ${formatAbsolute(merge.finishedAt)}` : ''}`
  if (merge.state === 'queued') {
    return (
      <p className="env-merge" role="status" data-testid={testId} title={title}>
        Merge {commit}: waiting for the release before it
      </p>
    )
  }
  if (merge.state === 'building') {
    return (
      <p className="env-merge running" role="status" data-testid={testId} title={title}>
        <span className="env-merge-head">Merge {commit}: building its release…</span>
        {merge.step && <span className="env-merge-step">{merge.step}</span>}
      </p>
    )
  }
  switch (env.state) {
    case 'waiting':
    case 'deploying':
      return (
        <p className="env-merge running" role="status" data-testid={testId} title={title}>
          Merge {commit}: deploying {merge.release}
        </p>
      )
    case 'succeeded':
      return (
        <p className="env-merge" data-testid={testId} title={title}>
          Merge {commit} deployed as {merge.release}
          {when}
        </p>
      )
    case 'skipped':
      return (
        <p className="env-merge" data-testid={testId} title={title}>
          Merge {commit}: {env.reason}
        </p>
      )
    case 'failed':
      return (
        <p className="env-warning env-merge-failed" role="alert" data-testid={testId} title={title}>
          Merge {commit} not deployed{when}: {env.reason}
          {merge.release ? ` (${merge.release} marked bad here)` : ''}
        </p>
      )
  }
}
