import type { BranchListing } from '../../../shared'
import { formatAbsolute, formatRelative, plural, shortSha } from '../lib/format'
import { boardBranches } from '../stores/filter-branches'
import { TestStatusLine, TestsUnavailable } from './TestStatusLine'
import { useStores } from '../stores/hooks'

/** The main lane: the tip of the main branch and how many branches are in flight. */
export function MainLane({
  mainBranch,
  listing,
  loading,
  now
}: {
  readonly mainBranch: string
  readonly listing: BranchListing | null
  readonly loading: boolean
  readonly now: number
}): React.JSX.Element {
  const { branches } = useStores()
  const tip =
    listing?.branches.find((b) => b.isMain && b.kind === 'local') ??
    listing?.branches.find((b) => b.isMain) ??
    null
  return (
    <section className="lane lane-main" data-testid="lane-main" aria-labelledby="lane-main-title">
      <header className="lane-header">
        <h2 id="lane-main-title">{mainBranch}</h2>
        {listing && (
          <span className="lane-count">
            {plural(boardBranches(listing.branches).length, 'branch', 'branches')}
          </span>
        )}
      </header>
      <TestsUnavailable />
      {!listing && <p className="lane-empty">{loading ? 'Reading branches…' : 'Not read yet.'}</p>}
      {listing && listing.mainSha === null && (
        <p className="lane-empty">The branch {mainBranch} does not exist yet.</p>
      )}
      {listing && listing.mainSha !== null && (
        <div
          className="tip-card openable"
          role="button"
          tabIndex={0}
          data-testid="main-tip"
          aria-label={`${mainBranch} tip ${shortSha(listing.mainSha)}: open its details and test runs`}
          onClick={() => branches.getState().openDrawer(mainBranch)}
          onKeyDown={(e) => {
            if (e.key !== 'Enter' && e.key !== ' ') return
            e.preventDefault()
            branches.getState().openDrawer(mainBranch)
          }}
        >
          <div className="tip-label">Tip</div>
          <code className="sha selectable" title={listing.mainSha}>
            {shortSha(listing.mainSha)}
          </code>
          <TestStatusLine branch={mainBranch} />
          {tip && tip.sha === listing.mainSha && (
            <>
              <p className="tip-subject">{tip.subject}</p>
              <p className="tip-meta">
                {tip.author} ·{' '}
                <time dateTime={tip.date} title={formatAbsolute(tip.date)}>
                  {formatRelative(tip.date, now)}
                </time>
              </p>
            </>
          )}
        </div>
      )}
    </section>
  )
}
