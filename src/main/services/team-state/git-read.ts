/**
 * Read-side git plumbing of team state, one small function per git call so the runner
 * underneath can change without touching the store.
 */
import { runGit, streamGitLines } from '../git/runner'
import { LOCAL_PREFIX, REMOTE_PREFIX } from './ref-names'

/** One ref under the team-state namespaces, before its object is read. */
export interface RawRef {
  readonly ref: string
  readonly sha: string
}

/** A commit's fields as read from git, before the message is decoded. */
export interface RawCommit {
  readonly sha: string
  readonly parents: readonly string[]
  readonly authorName: string
  readonly authorEmail: string
  readonly authorTime: number
  readonly message: string
}

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/
const BROKEN = /^warning: ignoring broken ref (.+)$/

/**
 * Every ref under `prefixes` (both team-state namespaces by default) by one `for-each-ref`
 * (names and object ids only: asking for the object type would make git die on the first
 * ref to a missing object), plus the refs git itself ignored as broken (garbage in the file).
 */
export async function listTeamRefs(
  repo: string,
  prefixes: readonly string[] = [LOCAL_PREFIX, REMOTE_PREFIX]
): Promise<{ refs: RawRef[]; broken: string[] }> {
  const out = await runGit(repo, [
    'for-each-ref',
    '--format=%(refname)%00%(objectname)',
    ...prefixes
  ])
  const refs: RawRef[] = []
  for (const line of out.stdout.split('\n')) {
    if (!line) continue
    const [ref = '', sha = ''] = line.split('\0')
    refs.push({ ref, sha })
  }
  const broken: string[] = []
  for (const line of out.stderr.split('\n')) {
    const m = BROKEN.exec(line.trim())
    if (m?.[1]) broken.push(m[1])
  }
  return { refs, broken }
}

/** The type of each object (`commit`, `tag`, …, or `missing`), by one `cat-file --batch-check`. */
export async function objectTypes(
  repo: string,
  shas: readonly string[]
): Promise<Map<string, string>> {
  const types = new Map<string, string>()
  const unique = [...new Set(shas)].filter((s) => SHA.test(s))
  if (unique.length === 0) return types
  const out = await runGit(repo, ['cat-file', '--batch-check=%(objectname) %(objecttype)'], {
    input: unique.join('\n') + '\n'
  })
  for (const line of out.stdout.split('\n')) {
    const [name = '', type = ''] = line.split(' ')
    if (name && type) types.set(name, type)
  }
  return types
}

// One record per commit: a NUL (never in a commit message or identity) starts it, so a
// message of any shape cannot be mistaken for the next record.
const FORMAT = '--format=%x00%H %P%n%an%n%ae%n%at%n%B'

/**
 * Every commit reachable from `tips` but not from `exclude`, by one `rev-list --stdin`
 * (object ids through stdin), streamed to `onCommit` while git walks. Throws a GitError when
 * an object is missing; callers then narrow down which tip is broken.
 */
export async function readCommitRecords(
  repo: string,
  tips: readonly string[],
  exclude: readonly string[],
  onCommit: (commit: RawCommit) => void
): Promise<void> {
  if (tips.length === 0) return
  let head: string[] = []
  let body: string[] = []
  const flush = (): void => {
    if (head.length === 0) return
    const [ids = '', name = '', email = '', time = ''] = head
    const [sha = '', ...parents] = ids.split(' ').filter(Boolean)
    // The format ends each record with one newline of its own after %B.
    if (body.length > 0 && body[body.length - 1] === '') body.pop()
    onCommit({
      sha,
      parents,
      authorName: name,
      authorEmail: email,
      authorTime: Number(time),
      message: body.join('\n')
    })
    head = []
    body = []
  }
  const input = [...tips, ...exclude.map((s) => `^${s}`)].join('\n') + '\n'
  await streamGitLines(
    repo,
    ['rev-list', '--stdin', '--no-commit-header', FORMAT],
    (lines) => {
      for (const line of lines) {
        if (line.startsWith('\0')) {
          flush()
          head.push(line.slice(1))
        } else if (head.length > 0 && head.length < 4) {
          head.push(line)
        } else {
          body.push(line)
        }
      }
    },
    { input, timeoutMs: 300_000 }
  )
  flush()
}

/**
 * The commit a full ref points at, read with its message by one `cat-file --batch` (the name
 * goes through stdin, never the command line); null when the ref does not exist. Throws when
 * the ref points at something other than a commit.
 */
export async function readTipCommit(repo: string, ref: string): Promise<RawCommit | null> {
  const out = await runGit(repo, ['cat-file', '--batch'], { input: `${ref}\n` })
  const newline = out.stdout.indexOf('\n')
  const header = out.stdout.slice(0, newline).split(' ')
  if (header[1] === 'missing' || header.length !== 3) return null
  const [sha = '', type] = header
  if (type !== 'commit') {
    throw new Error(`${ref} points at a ${type}, not a commit`)
  }
  return parseCommitObject(sha, out.stdout.slice(newline + 1))
}

/** The fields of a raw commit object's text (headers, then a blank line, then the message). */
export function parseCommitObject(sha: string, text: string): RawCommit {
  const end = text.indexOf('\n\n')
  const headers = (end < 0 ? text : text.slice(0, end)).split('\n')
  let message = end < 0 ? '' : text.slice(end + 2)
  if (message.endsWith('\n')) message = message.slice(0, -1)
  const parents: string[] = []
  let authorName = ''
  let authorEmail = ''
  let authorTime = Number.NaN
  for (const line of headers) {
    if (line.startsWith('parent ')) parents.push(line.slice(7))
    else if (line.startsWith('author ')) {
      const m = /^author (.*) <([^>]*)> (\d+) [+-]\d{4}$/.exec(line)
      if (m) {
        authorName = m[1] ?? ''
        authorEmail = m[2] ?? ''
        authorTime = Number(m[3])
      }
    }
  }
  return { sha, parents, authorName, authorEmail, authorTime, message }
}

/** The repository's shared git dir (the common dir of a linked worktree), absolute. */
export async function commonGitDir(repo: string): Promise<string> {
  const out = await runGit(repo, ['rev-parse', '--path-format=absolute', '--git-common-dir'])
  return out.stdout.trim()
}
