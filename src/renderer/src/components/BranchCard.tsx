import { GitMerge } from 'lucide-react'
import type { Branch } from '../../../shared'
import { isMerged } from '../stores/filter-branches'
import { formatAbsolute, formatRelative, shortSha } from '../lib/format'
import { AheadBehind } from './AheadBehind'
import { PullBadge } from './PullBadge'
import { PullCardChecks } from './PullCardChecks'
import { RunMarker } from './RunMarker'
import { TestStatusLine } from './TestStatusLine'
import { TicketChip } from './TicketChip'

/** Fixed height of one card in the virtualized list, in pixels (the CSS matches it). */
export const BRANCH_CARD_HEIGHT = 76

/**
 * One branch in the branches lane: name, tickets, ahead/behind, its pull request's state and
 * checks, tip sha, subject and age.
 */
export function BranchCard({
  branch,
  mainBranch,
  selected,
  id,
  now,
  onOpen
}: {
  readonly branch: Branch
  readonly mainBranch: string
  readonly selected: boolean
  readonly id: string
  readonly now: number
  readonly onOpen: (name: string) => void
}): React.JSX.Element {
  return (
    <div
      id={id}
      role="option"
      aria-selected={selected}
      className={selected ? 'branch-card selected' : 'branch-card'}
      data-testid="branch-card"
      data-branch={branch.name}
      onClick={() => onOpen(branch.name)}
    >
      <div className="branch-card-row">
        <span className="branch-name" title={branch.name}>
          {branch.kind === 'remote' && <span className="remote-mark">remote </span>}
          {branch.name}
        </span>
        {isMerged(branch) && (
          <span
            className="merged-chip"
            data-testid="merged-chip"
            title={
              branch.behind > 0
                ? `Merged: every commit of it is in ${mainBranch}; Prune… can delete it`
                : `At ${mainBranch}: no commit of its own yet`
            }
          >
            <GitMerge size={12} aria-hidden="true" />
            {branch.behind > 0 ? 'merged' : 'at main'}
          </span>
        )}
        <AheadBehind ahead={branch.ahead} behind={branch.behind} mainBranch={mainBranch} />
      </div>
      <div className="branch-card-row">
        <span className="chips">
          {branch.tickets.map((t) => (
            <TicketChip key={t} ticket={t} asText />
          ))}
        </span>
        <span className="branch-meta">
          <PullBadge branch={branch.name} />
          <TestStatusLine branch={branch.name} />
          <code className="sha" title={branch.sha}>
            {shortSha(branch.sha)}
          </code>
          <time dateTime={branch.date} title={formatAbsolute(branch.date)}>
            {formatRelative(branch.date, now)}
          </time>
        </span>
      </div>
      <div className="branch-card-row">
        <span className="branch-subject" title={branch.subject}>
          {branch.subject}
        </span>
        <PullCardChecks branch={branch.name} />
        <RunMarker branch={branch.name} />
      </div>
    </div>
  )
}
