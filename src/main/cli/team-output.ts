import type { SyncStatusModel } from '../../shared/contract-team'
import type { PullRequest, PullRequestView } from '../../shared/pull-request-models'
import type { Ticket, TicketDetail } from '../../shared/ticket-models'

const short = (sha: string | null): string => (sha ? sha.slice(0, 8) : '-')

/** Tickets as a table: key, status, type, assignee, title. */
export function formatTickets(tickets: readonly Ticket[]): string {
  if (tickets.length === 0) return 'No tickets.\n'
  const rows = tickets.map((t) => [
    `${t.key}${t.keyConfirmed ? '' : '*'}`,
    t.status,
    t.type,
    t.assignee ?? '-',
    t.title
  ])
  const note = tickets.some((t) => !t.keyConfirmed)
    ? '* numbered offline: the key is final after the next sync\n'
    : ''
  return table(['KEY', 'STATUS', 'TYPE', 'ASSIGNEE', 'TITLE'], rows) + note
}

/** One ticket with its links. */
export function formatTicket(d: TicketDetail): string {
  const t = d.ticket
  const lines = [
    `${t.key}  ${t.title}`,
    `${t.status} · ${t.type} · ${t.assignee ?? 'unassigned'} · created by ${t.createdBy.name} ${t.createdAt.slice(0, 16).replace('T', ' ')}`
  ]
  if (t.description.trim()) lines.push('', t.description.trim())
  lines.push('', 'Branches:')
  for (const b of d.branches) lines.push(`  ${b.name}  ${short(b.sha)}  +${b.ahead} -${b.behind}`)
  if (d.branches.length === 0) lines.push('  (none)')
  lines.push('Pull requests:')
  for (const p of d.pullRequests) lines.push(`  ${p.branch}  ${p.state}  ${p.title}`)
  if (d.pullRequests.length === 0) lines.push('  (none)')
  lines.push('Commits:')
  for (const c of d.commits) {
    lines.push(`  ${short(c.sha)}  ${c.onMain ? 'main' : '    '}  ${c.subject}`)
  }
  if (d.commits.length === 0) lines.push('  (none)')
  lines.push('Releases:')
  for (const r of d.releases) lines.push(`  ${r.id}  ${short(r.commit)}`)
  if (d.releases.length === 0) lines.push('  (none)')
  lines.push('Reached:')
  for (const e of d.environments) lines.push(`  ${e.name}  ${e.release}`)
  if (d.environments.length === 0) lines.push('  (no environment yet)')
  if (d.changes && d.changes.length > 0) {
    lines.push('Changes:')
    for (const c of d.changes) {
      lines.push(`  ${c.key}  ${c.release} → ${c.to}  ${c.outcome ?? c.status}`)
    }
  }
  return `${lines.join('\n')}\n`
}

/** Pull requests as a table. */
export function formatPullRequests(prs: readonly PullRequest[]): string {
  if (prs.length === 0) return 'No pull requests.\n'
  const rows = prs.map((p) => {
    const approvals = p.reviews.filter((r) => r.verdict === 'approve').length
    return [p.branch, p.state, p.author.name, String(approvals), p.title]
  })
  return table(['BRANCH', 'STATE', 'AUTHOR', 'APPROVALS', 'TITLE'], rows)
}

/** One pull request: state, commits, reviews, checks. */
export function formatPullRequest(v: PullRequestView): string {
  const p = v.pullRequest
  const lines = [
    `${p.title}`,
    `${p.branch} → main · ${p.state} · opened by ${p.author.name} ${p.openedAt.slice(0, 16).replace('T', ' ')}${p.ticket ? ` · ticket ${p.ticket}` : ''}`
  ]
  if (p.merged) {
    lines.push(`merged as ${short(p.merged.commit)} (${p.merged.method}) by ${p.merged.by.name}`)
  }
  if (p.description.trim()) lines.push('', p.description.trim())
  if (v.checks.length > 0) {
    lines.push('', `Checks${v.mergeable ? ' (all passed: ready to merge)' : ''}:`)
    for (const c of v.checks) lines.push(`  ${mark(c.status)} ${c.name}: ${c.summary}`)
  }
  lines.push('', `Commits (${v.commits.length}):`)
  for (const c of v.commits) lines.push(`  ${short(c.sha)}  ${c.author}  ${c.subject}`)
  if (p.reviews.length > 0) {
    lines.push('', 'Reviews:')
    for (const r of p.reviews) {
      const verdict = r.verdict === 'approve' ? 'approved' : 'requested changes'
      lines.push(
        `  ${r.author.name} ${verdict} at ${short(r.commit)}${r.body ? `: ${r.body}` : ''}`
      )
    }
  }
  if (p.comments.length > 0) {
    lines.push('', 'Comments:')
    for (const c of p.comments) {
      const where = c.path ? ` on ${c.path}${c.line ? `:${c.line}` : ''}` : ''
      lines.push(`  ${c.author.name}${where}: ${c.body}`)
    }
  }
  return `${lines.join('\n')}\n`
}

/** What a sync did. */
export function formatSync(s: SyncStatusModel): string {
  const out = s.last
  if (!out) return 'Not synced yet.\n'
  switch (out.kind) {
    case 'no-origin':
      return 'This repository has no origin; team state stays here.\n'
    case 'offline':
      return `Origin could not be reached: ${out.message}\nEverything stays here and goes with the next sync.\n`
    case 'synced': {
      const problems = out.problems.map((p) => `  skipped ${p.ref}: ${p.reason}\n`).join('')
      return `Synced with origin: ${out.received} received, ${out.merged} merged, ${out.pushed} pushed.\n${problems}`
    }
  }
}

function mark(status: 'passed' | 'failed' | 'pending'): string {
  return status === 'passed' ? '✓' : status === 'failed' ? '✗' : '…'
}

function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = head.map((h, i) =>
    Math.min(60, Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  )
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd()
  return `${[line(head), ...rows.map(line)].join('\n')}\n`
}
