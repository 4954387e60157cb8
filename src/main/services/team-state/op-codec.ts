/**
 * The on-disk form of one operation: a commit whose message is a one-line summary for people
 * reading `git log`, a blank line, and one line of JSON
 * `{"v":1,"clock":N,"type":"ticket.edit","data":{…}}`. The commit's author is the operation's
 * author (the git identity) and its author date the operation's time. The tree is always
 * the empty tree: nothing of team state is ever checked out.
 */

/** Format version written in every operation. */
export const OP_FORMAT_VERSION = 1

/** The type of the commits that join two concurrent histories; they carry no operation. */
export const MERGE_TYPE = 'merge'

const TYPE = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/
const MAX_CLOCK = Number.MAX_SAFE_INTEGER

/** Who wrote an operation: the git identity of its commit's author. */
export interface OpAuthor {
  readonly name: string
  readonly email: string
}

/** What one commit of a log says, once parsed. */
export interface OpCommit {
  readonly sha: string
  /** The commit subject, for people. */
  readonly summary: string
  readonly parents: readonly string[]
  readonly author: OpAuthor
  /** Author date, milliseconds since the epoch (git keeps seconds). */
  readonly time: number
  readonly clock: number
  /** `merge` for a join of two histories; otherwise the operation's type. */
  readonly type: string
  readonly data: Readonly<Record<string, unknown>>
}

/** A commit that is not a valid operation, with the reason. */
export interface BadCommit {
  readonly sha: string
  readonly reason: string
}

/** The message of an operation commit. */
export function encodeMessage(
  summary: string,
  op: { clock: number; type: string; data?: Readonly<Record<string, unknown>> }
): string {
  const line =
    summary
      .replace(/[\r\n]+/g, ' ')
      .trim()
      .slice(0, 120) || op.type
  const body: Record<string, unknown> = { v: OP_FORMAT_VERSION, clock: op.clock, type: op.type }
  if (op.data !== undefined) body.data = op.data
  // JSON.stringify never emits a raw newline, so the body stays on one line.
  return `${line}\n\n${JSON.stringify(body)}\n`
}

/** An identity line of a commit object: `Name <email> seconds +0000`. */
export function identLine(author: OpAuthor, timeMs: number): string {
  return `${author.name} <${author.email}> ${Math.floor(timeMs / 1000)} +0000`
}

/** The raw text of a commit object (for `git hash-object -t commit`). */
export function commitObject(args: {
  tree: string
  parents: readonly string[]
  author: OpAuthor
  committer?: OpAuthor
  timeMs: number
  message: string
}): string {
  const lines = [`tree ${args.tree}`, ...args.parents.map((p) => `parent ${p}`)]
  lines.push(`author ${identLine(args.author, args.timeMs)}`)
  lines.push(`committer ${identLine(args.committer ?? args.author, args.timeMs)}`)
  return `${lines.join('\n')}\n\n${args.message}`
}

/**
 * Parses one commit's fields (as read by `rev-list`) into an {@link OpCommit}, or says why it
 * is not an operation: a message without the JSON line, a wrong version, a bad clock or type.
 */
export function decodeCommit(raw: {
  sha: string
  parents: readonly string[]
  authorName: string
  authorEmail: string
  authorTime: number
  message: string
}): OpCommit | BadCommit {
  const bad = (reason: string): BadCommit => ({ sha: raw.sha, reason })
  const split = raw.message.indexOf('\n\n')
  if (split < 0) return bad('the commit message has no operation')
  let body: unknown
  try {
    body = JSON.parse(raw.message.slice(split + 2).trim())
  } catch {
    return bad('the operation is not valid JSON')
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return bad('the operation is not a JSON object')
  }
  const b = body as Record<string, unknown>
  if (b.v !== OP_FORMAT_VERSION) return bad(`unknown operation format ${JSON.stringify(b.v)}`)
  const clock = b.clock
  if (typeof clock !== 'number' || !Number.isSafeInteger(clock) || clock < 1 || clock > MAX_CLOCK) {
    return bad('the Lamport clock is missing or not a positive integer')
  }
  const type = b.type
  if (typeof type !== 'string' || (type !== MERGE_TYPE && !TYPE.test(type))) {
    return bad('the operation type is missing or malformed')
  }
  if (type === MERGE_TYPE && raw.parents.length < 2) return bad('a merge with one parent')
  if (type !== MERGE_TYPE && raw.parents.length > 1) return bad('an operation with two parents')
  const data = b.data ?? {}
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return bad('the operation data is not an object')
  }
  if (!Number.isFinite(raw.authorTime)) return bad('the author date is unreadable')
  return {
    sha: raw.sha,
    summary: raw.message.slice(0, split),
    parents: raw.parents,
    author: { name: raw.authorName, email: raw.authorEmail },
    time: raw.authorTime * 1000,
    clock,
    type,
    data: data as Record<string, unknown>
  }
}

/** True when `value` is a {@link BadCommit}. */
export function isBad(value: OpCommit | BadCommit): value is BadCommit {
  return 'reason' in value
}
