import type { Branch } from '../../../shared'
import { assertNever } from '../../../shared/errors'
import { formatAbsolute, formatRelative, plural, shortSha } from '../lib/format'
import type { BranchCommits } from '../stores/branches-store'
import { DRAWER_COMMIT_LIMIT } from '../stores/branches-store'
import { DrawerPull } from './DrawerPull'
import { DrawerRunLocally } from './DrawerRunLocally'
import { DrawerTests } from './RunHistory'
import { TicketChip } from './TicketChip'
import { CloseButton } from './ui/CloseButton'
import { useEffect, useRef } from 'react'

/** The side drawer for one branch: its facts and the commits it carries ahead of main. */
export function BranchDrawer({
  branch,
  mainBranch,
  commits,
  now,
  onClose,
  onRetry
}: {
  readonly branch: Branch
  readonly mainBranch: string
  readonly commits: BranchCommits
  readonly now: number
  readonly onClose: () => void
  readonly onRetry: () => void
}): React.JSX.Element {
  const ref = useRef<HTMLElement>(null)
  // Opening (by Enter in the filter, or a click) moves focus into the drawer; moving the
  // selection with the arrows while it is open does not take it again.
  useEffect(() => {
    ref.current?.focus({ preventScroll: true })
  }, [])
  return (
    <aside
      ref={ref}
      tabIndex={-1}
      className="drawer"
      data-testid="branch-drawer"
      role="dialog"
      aria-modal="false"
      aria-labelledby="drawer-title"
    >
      <header className="drawer-header">
        <h2 id="drawer-title" className="drawer-title" title={branch.name}>
          {branch.name}
        </h2>
        <CloseButton label="Close branch details" title="Close (Escape)" onClick={onClose} />
      </header>
      <dl className="facts">
        <dt>Ref</dt>
        <dd>
          <code className="selectable">{branch.ref}</code>
        </dd>
        <dt>Tip</dt>
        <dd>
          <code className="selectable full-sha" data-testid="drawer-sha">
            {branch.sha}
          </code>
        </dd>
        <dt>Tickets</dt>
        <dd className="chips">
          {branch.tickets.length === 0 ? (
            <span className="muted">none found</span>
          ) : (
            branch.tickets.map((t) => <TicketChip key={t} ticket={t} />)
          )}
        </dd>
        <dt>Against {mainBranch}</dt>
        <dd>
          {branch.ahead} ahead, {branch.behind} behind
        </dd>
        <dt>Last commit</dt>
        <dd>
          {branch.author} ·{' '}
          <time dateTime={branch.date} title={formatAbsolute(branch.date)}>
            {formatRelative(branch.date, now)}
          </time>
          <div className="muted">{branch.subject}</div>
        </dd>
      </dl>
      <DrawerPull branch={branch} />
      <DrawerTests branch={branch.name} now={now} />
      <DrawerRunLocally branch={branch.name} />
      <section
        className="drawer-commits"
        aria-labelledby="drawer-commits-title"
        aria-busy={commits.kind === 'loading'}
      >
        <h3 id="drawer-commits-title">Commits ahead of {mainBranch}</h3>
        <CommitList commits={commits} ahead={branch.ahead} now={now} onRetry={onRetry} />
      </section>
    </aside>
  )
}

function CommitList({
  commits,
  ahead,
  now,
  onRetry
}: {
  readonly commits: BranchCommits
  readonly ahead: number
  readonly now: number
  readonly onRetry: () => void
}): React.JSX.Element {
  switch (commits.kind) {
    case 'idle':
    case 'loading':
      return <p className="muted">Reading commits…</p>
    case 'failed':
      return (
        <div className="inline-error" role="alert">
          {commits.error.message}{' '}
          <button type="button" className="link-button" onClick={onRetry}>
            Try again
          </button>
        </div>
      )
    case 'loaded':
      if (commits.commits.length === 0) return <p className="muted">No commits ahead.</p>
      return (
        <>
          {ahead > commits.commits.length && (
            <p className="muted">
              Showing the newest {plural(commits.commits.length, 'commit')} of {ahead}
              {commits.commits.length === DRAWER_COMMIT_LIMIT ? ' (the drawer limit)' : ''}.
            </p>
          )}
          <ol className="commit-list">
            {commits.commits.map((c) => (
              <li key={c.sha} className="commit">
                <div className="commit-row">
                  <code className="sha" title={c.sha}>
                    {shortSha(c.sha)}
                  </code>
                  <span className="commit-subject" title={c.subject}>
                    {c.subject}
                  </span>
                </div>
                <div className="commit-row muted">
                  <span>{c.author}</span>
                  <time dateTime={c.date} title={formatAbsolute(c.date)}>
                    {formatRelative(c.date, now)}
                  </time>
                  {c.tickets.map((t) => (
                    <TicketChip key={t} ticket={t} />
                  ))}
                </div>
              </li>
            ))}
          </ol>
        </>
      )
    default:
      return assertNever(commits)
  }
}
