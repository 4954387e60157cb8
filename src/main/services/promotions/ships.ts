/**
 * What a promotion ships: the commits between the release the target environment runs and the
 * candidate (reverts marked), and their tickets (unresolved ones flagged), read from git and
 * the tracker when the promotion is requested.
 */
import type { Release } from '../../../shared/deploy-models'
import type { ShippedCommit, ShippedTicket, Ships } from '../../../shared/promotion-models'
import type { Ticket } from '../../../shared/ticket-models'
import { findTickets, runGit } from '../git'

const MAX_COMMITS = 1000
const HEX = /^[0-9a-f]{7,40}$/

/**
 * The commit a release was built from: from this machine's release store, else from the short
 * sha its id ends with (`20261126.1204-abc1234`), resolved in the repository; null when neither.
 */
export async function commitOfRelease(
  repo: string,
  id: string,
  releases: readonly Release[]
): Promise<string | null> {
  const known = releases.find((r) => r.id === id)
  if (known) return known.commit
  const short = /-([0-9a-f]{7,12})(?:-\d+)?$/.exec(id)?.[1]
  if (!short) return null
  const out = await runGit(repo, ['rev-parse', '--verify', '--quiet', `${short}^{commit}`], {
    okExitCodes: [0, 1, 128]
  })
  const sha = out.stdout.trim()
  return out.exitCode === 0 && /^[0-9a-f]{40}$/.test(sha) ? sha : null
}

/** The commits `since..commit` (all of `commit`'s history when since is null), newest first. */
export async function shippedCommits(
  repo: string,
  since: string | null,
  commit: string,
  ticketPattern: string
): Promise<ShippedCommit[]> {
  if (!HEX.test(commit) || (since !== null && !HEX.test(since))) return []
  const range = since ? [`^${since}`, commit] : [commit]
  const out = await runGit(repo, [
    'log',
    `--max-count=${MAX_COMMITS}`,
    '--format=%H%x1f%an%x1f%ae%x1f%s%x1f%b%x1e',
    '--end-of-options',
    ...range
  ])
  const commits: ShippedCommit[] = []
  for (const record of out.stdout.split('\x1e')) {
    const [sha, name, email, subject, body] = record.replace(/^\n/, '').split('\x1f')
    if (!sha || !/^[0-9a-f]{40}$/.test(sha)) continue
    const s = subject ?? ''
    commits.push({
      sha,
      subject: s,
      author: { name: name ?? '', email: email ?? '' },
      revert: /^Revert "/.test(s) || /This reverts commit [0-9a-f]{7,40}/.test(body ?? ''),
      tickets: findTickets(s, ticketPattern)
    })
  }
  return commits
}

/** The tickets named by `commits`, in first-seen order, with the tracker's word on each. */
export function shippedTickets(
  commits: readonly ShippedCommit[],
  tracked: readonly Ticket[]
): ShippedTicket[] {
  const keys = [...new Set(commits.flatMap((c) => c.tickets))]
  return keys.map((key) => {
    const t = tracked.find((x) => x.key === key)
    return {
      key,
      title: t?.title ?? null,
      type: t?.type ?? null,
      status: t?.status ?? null,
      resolved: t ? t.status === 'done' || t.status === 'closed' : false
    }
  })
}

/** What ships when `candidate` replaces `since` (the release the target runs, or null). */
export async function readShips(options: {
  readonly repo: string
  readonly since: string | null
  readonly candidate: Release
  readonly releases: readonly Release[]
  readonly ticketPattern: string
  readonly tracked: readonly Ticket[]
}): Promise<Ships> {
  const sinceCommit = options.since
    ? await commitOfRelease(options.repo, options.since, options.releases)
    : null
  const commits = await shippedCommits(
    options.repo,
    sinceCommit,
    options.candidate.commit,
    options.ticketPattern
  )
  return { since: options.since, commits, tickets: shippedTickets(commits, options.tracked) }
}

const TYPE_HEADINGS: ReadonlyArray<readonly [Ticket['type'] | null, string]> = [
  ['feature', 'Features'],
  ['bug', 'Fixes'],
  ['task', 'Tasks'],
  ['chore', 'Chores'],
  ['change', 'Changes'],
  [null, 'Other (not tracked here)']
]

/** Release notes in Markdown: the release's tickets grouped by type, then its reverts. */
export function releaseNotes(
  release: Release,
  tickets: readonly ShippedTicket[],
  reverts: readonly ShippedCommit[]
): string {
  const lines = [
    `# Release ${release.id}`,
    '',
    `Built from ${release.commit.slice(0, 7)} (${release.subject}).`
  ]
  for (const [type, heading] of TYPE_HEADINGS) {
    const group = tickets
      .filter((t) => t.type === type)
      .sort((a, b) => a.key.localeCompare(b.key, 'en', { numeric: true }))
    if (group.length === 0) continue
    lines.push('', `## ${heading}`, '')
    for (const t of group) {
      const open = t.status && !t.resolved ? ` (${t.status})` : ''
      lines.push(`- ${t.key}${t.title ? `: ${t.title}` : ''}${open}`)
    }
  }
  if (tickets.length === 0) lines.push('', 'No tickets since the previous release.')
  if (reverts.length > 0) {
    lines.push('', '## Reverted', '')
    for (const c of reverts) lines.push(`- ${c.sha.slice(0, 7)} ${c.subject}`)
  }
  return `${lines.join('\n')}\n`
}

/** Release notes of `release` (Markdown): its tickets since `previous`, grouped by type. */
export async function notesOf(options: {
  readonly repo: string
  readonly release: Release
  readonly previous: Release | null
  readonly ticketPattern: string
  readonly tracked: readonly Ticket[]
}): Promise<string> {
  const { release } = options
  const commits = await shippedCommits(
    options.repo,
    options.previous?.commit ?? null,
    release.commit,
    options.ticketPattern
  )
  const tickets = shippedTickets(
    commits.length > 0
      ? commits
      : release.tickets.map((key) => ({
          sha: '',
          subject: key,
          author: { name: '', email: '' },
          revert: false,
          tickets: [key]
        })),
    options.tracked
  )
  return releaseNotes(
    release,
    tickets,
    commits.filter((c) => c.revert)
  )
}
