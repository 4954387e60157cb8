import type { Release } from '../../../shared'
import { releaseChanges } from '../lib/release-changes'

/** What deploying `target` over `deployed` changes: tickets and commits, or why nothing does. */
export function ReleaseChangesView({
  releases,
  deployed,
  target
}: {
  readonly releases: readonly Release[]
  readonly deployed: string | null
  readonly target: string
}): React.JSX.Element {
  const changes = releaseChanges(releases, deployed, target)
  if (changes.kind === 'same') {
    return (
      <p className="changes-note" data-testid="changes">
        This release is already what the environment runs; deploying it again re-activates it.
      </p>
    )
  }
  const heading = {
    first: 'Nothing is deployed yet: everything in this release is new.',
    forward: `Changes since ${deployed ?? 'nothing'}:`,
    backward: `Going back from ${deployed ?? ''}: these changes will be removed.`,
    unrelated: `Not related to ${deployed ?? ''} by the local releases; this release's own changes:`
  }[changes.kind]
  return (
    <div className="changes" data-testid="changes">
      <p className={changes.kind === 'backward' ? 'changes-note warn' : 'changes-note'}>
        {heading}
      </p>
      {changes.tickets.length > 0 && (
        <p className="changes-tickets">
          {changes.tickets.map((t) => (
            <span key={t} className="ticket-chip">
              {t}
            </span>
          ))}
        </p>
      )}
      <ul className="changes-commits">
        {changes.commits.slice(0, 30).map((c) => (
          <li key={c.sha}>
            <code>{c.sha.slice(0, 8)}</code> {c.subject}
          </li>
        ))}
        {changes.commits.length === 0 && <li className="muted">No commits recorded.</li>}
        {changes.commits.length > 30 && (
          <li className="muted">and {changes.commits.length - 30} more</li>
        )}
      </ul>
    </div>
  )
}
