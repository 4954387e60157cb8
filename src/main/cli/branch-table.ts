import type { Branch, BranchListing } from '../../shared/models'

/** The fields `slipway branches --json` prints for each branch. */
export type BranchRow = Pick<
  Branch,
  'name' | 'kind' | 'sha' | 'ahead' | 'behind' | 'tickets' | 'isMain' | 'date' | 'subject'
>

/** One JSON-ready row per branch, in listing order. */
export function branchRows(listing: BranchListing): BranchRow[] {
  return listing.branches.map((b) => ({
    name: b.name,
    kind: b.kind,
    sha: b.sha,
    ahead: b.ahead,
    behind: b.behind,
    tickets: [...b.tickets],
    isMain: b.isMain,
    date: b.date,
    subject: b.subject
  }))
}

/**
 * A readable, column-aligned table of the listing for a terminal: branch, short sha,
 * ahead/behind main, tickets, and the tip's subject (cut to `width`).
 */
export function formatBranchTable(listing: BranchListing, width = 100): string {
  if (listing.branches.length === 0)
    return `No branches yet (main branch: ${listing.mainBranch}).\n`
  const header = ['BRANCH', 'SHA', 'AHEAD', 'BEHIND', 'TICKETS', 'SUBJECT']
  const rows = listing.branches.map((b) => [
    b.isMain ? `${b.name} (main)` : b.name,
    b.sha.slice(0, 8),
    String(b.ahead),
    String(b.behind),
    b.tickets.join(',') || '-',
    b.subject
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const numeric = new Set([2, 3])
  const line = (cells: readonly string[]): string => {
    const text = cells
      .map((cell, i) => {
        if (i === cells.length - 1) return cell
        const w = widths[i] ?? 0
        return numeric.has(i) ? cell.padStart(w) : cell.padEnd(w)
      })
      .join('  ')
    return text.length > width ? `${text.slice(0, Math.max(width - 1, 0))}…` : text
  }
  const branches = listing.branches.length === 1 ? 'branch' : 'branches'
  return [
    line(header),
    ...rows.map(line),
    '',
    `${listing.branches.length} ${branches}, main is ${listing.mainBranch}, read in ${Math.round(listing.tookMs)} ms`
  ]
    .join('\n')
    .concat('\n')
}
