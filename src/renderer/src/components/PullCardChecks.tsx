import { Check, Clock, X } from 'lucide-react'
import type { CheckName, PullChecks } from '../../../shared/pull-request-models'
import { checksOf } from '../stores/pulls-store'
import { usePulls } from '../stores/use-team'

const SHORT: Record<CheckName, string> = {
  tests: 'tests',
  approvals: 'approvals',
  'up-to-date': 'up to date'
}

const LONG: Record<CheckName, string> = {
  tests: 'Tests on the merge result',
  approvals: 'Approvals',
  'up-to-date': 'Up to date with main'
}

type Status = PullChecks['checks'][number]['status']

const ICON: Record<Status, typeof Check> = { passed: Check, failed: X, pending: Clock }

/**
 * A branch card's open pull request, in short: each of its three checks (tests on the merge
 * result, approvals, up to date) as a mark and a word, the status spelled out for screen
 * readers and the reason on hover. Plain text: a card is a listbox option, so nothing in it
 * may be interactive; the pull-request view has the full list.
 */
export function PullCardChecks({ branch }: { readonly branch: string }): React.JSX.Element | null {
  const found = usePulls((s) => checksOf(s.checks, branch))
  if (!found || found.checks.length === 0) return null
  return (
    <span className="card-checks" data-testid="card-checks">
      {found.checks.map((c) => {
        const Icon = ICON[c.status]
        return (
          <span
            key={c.name}
            className={`card-check check-${c.status}`}
            data-check={c.name}
            data-status={c.status}
            title={checkTitle(c.name, c.status, c.summary)}
          >
            <Icon size={12} aria-hidden="true" />
            {SHORT[c.name]}
            <span className="visually-hidden"> {c.status}</span>
          </span>
        )
      })}
    </span>
  )
}

/**
 * "Tests on the merge result: passed (merge with main at …)": the status once, never "passed
 * (passed …)" when the summary already starts with it.
 */
function checkTitle(name: CheckName, status: Status, summary: string): string {
  if (summary === status || summary.startsWith(`${status} `)) return `${LONG[name]}: ${summary}`
  return `${LONG[name]}: ${status} (${summary})`
}
