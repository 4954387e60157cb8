/**
 * What links to a ticket, found from its key: branches whose name or commits ahead of main
 * mention it (the board's branch listing already knows), and commits whose subject names it.
 * No link is stored: a key in a branch name or a commit subject is the link.
 */
import type { BranchListing } from '../../../shared/models'
import type { TicketDetail } from '../../../shared/ticket-models'
import { findTickets, runGit } from '../git'
import { isSha } from '../git/refs'

/** Most commits listed for one ticket. */
export const MAX_TICKET_COMMITS = 200
const FORMAT = '--format=%H%x00%an%x00%cI%x00%s'

/** The branches of `listing` that mention `key` (main excluded). */
export function branchesOf(listing: BranchListing, key: string): TicketDetail['branches'] {
  return listing.branches
    .filter((b) => !b.isMain && b.tickets.includes(key))
    .map((b) => ({ name: b.name, sha: b.sha, ahead: b.ahead, behind: b.behind }))
}

/**
 * Commits on any local or origin branch whose subject names `key` (the pattern decides what a
 * key is, so `ORD-12` does not match `ORD-123`), newest first, each marked when on main.
 */
export async function commitsOf(
  repo: string,
  key: string,
  ticketPattern: string,
  mainSha: string | null
): Promise<TicketDetail['commits']> {
  const grep = ['--fixed-strings', `--grep=${key}`, `--max-count=${MAX_TICKET_COMMITS}`]
  const [all, onMain] = await Promise.all([
    runGit(repo, ['log', ...grep, FORMAT, '--branches', '--remotes'], { okExitCodes: [0, 128] }),
    mainSha && isSha(mainSha)
      ? runGit(repo, ['log', ...grep, '--format=%H', '--end-of-options', mainSha])
      : null
  ])
  const main = new Set(onMain ? onMain.stdout.split('\n').filter(Boolean) : [])
  const commits: TicketDetail['commits'] = []
  for (const line of all.stdout.split('\n')) {
    if (!line) continue
    const [sha = '', author = '', date = '', subject = ''] = line.split('\0')
    if (!findTickets(subject, ticketPattern).includes(key)) continue
    commits.push({ sha, author, date, subject, onMain: main.has(sha) })
  }
  return commits
}
