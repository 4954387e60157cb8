import type { Commit } from '../../../shared/models'
import { isSha } from './refs'
import { runGit } from './runner'
import { findTickets } from './tickets'

/** Subject, author and date of one commit. */
export interface CommitInfo {
  readonly sha: string
  readonly subject: string
  readonly author: string
  /** ISO 8601 committer date. */
  readonly date: string
}

/** What {@link readCommits} lists. */
export interface CommitRange {
  /** Newest commit (an object name). */
  readonly tip: string
  /** Leave out this commit and its history (an object name), or null for the whole history. */
  readonly exclude: string | null
  readonly limit: number
  readonly ticketPattern: string
}

const FORMAT = '--format=%H%x00%an%x00%cI%x00%s'

function parseInfo(stdout: string): CommitInfo[] {
  const infos: CommitInfo[] = []
  for (const line of stdout.split('\n')) {
    if (!line) continue
    const [sha = '', author = '', date = '', subject = ''] = line.split('\0')
    infos.push({ sha, subject, author, date })
  }
  return infos
}

function assertShas(shas: readonly string[]): void {
  for (const sha of shas) if (!isSha(sha)) throw new Error(`not an object name: ${sha}`)
}

/**
 * Subject, author and date of each of `shas` (object names), read by one
 * `git rev-list --no-walk` fed through stdin; keyed by sha.
 */
export async function readCommitInfo(
  repo: string,
  shas: readonly string[]
): Promise<Map<string, CommitInfo>> {
  const found = new Map<string, CommitInfo>()
  if (shas.length === 0) return found
  assertShas(shas)
  const out = await runGit(
    repo,
    ['rev-list', '--no-walk=unsorted', '--no-commit-header', FORMAT, '--stdin'],
    { input: shas.join('\n') + '\n' }
  )
  for (const info of parseInfo(out.stdout)) found.set(info.sha, info)
  return found
}

/**
 * Commits reachable from `tip` but not from `exclude`, newest first (git's default order),
 * with subject, author, ISO committer date and ticket keys. Only object names reach git.
 */
export async function readCommits(repo: string, range: CommitRange): Promise<Commit[]> {
  if (range.limit < 1 || range.tip === range.exclude) return []
  const revs = range.exclude ? [range.tip, `^${range.exclude}`] : [range.tip]
  assertShas(range.exclude ? [range.tip, range.exclude] : [range.tip])
  const out = await runGit(repo, [
    'rev-list',
    '--no-commit-header',
    FORMAT,
    `--max-count=${Math.floor(range.limit)}`,
    '--end-of-options',
    ...revs
  ])
  return parseInfo(out.stdout).map((c) => ({
    ...c,
    tickets: findTickets(c.subject, range.ticketPattern)
  }))
}
