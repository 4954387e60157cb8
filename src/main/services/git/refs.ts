import { runGit } from './runner'

/** One branch ref as `for-each-ref` reports it, before its commit is read. */
export interface BranchRef {
  /** Full ref: `refs/heads/x` or `refs/remotes/origin/x`. */
  readonly ref: string
  /** Short name: `x` or `origin/x`. */
  readonly name: string
  readonly kind: 'local' | 'remote'
  readonly sha: string
}

const LOCAL = 'refs/heads/'
const REMOTE = 'refs/remotes/'
const ORIGIN = 'refs/remotes/origin/'
// Ref names never contain NUL or a newline (git refuses control characters in them), so "\0"
// splits fields and "\0\n" ends a record whatever else a name holds. Only fields read from
// the ref store and the object header are asked for: formatting the tips' subjects here would
// parse every tip commit on every refresh, even when nothing moved.
const FORMAT = '%(refname)%00%(objectname)%00%(objecttype)%00'
const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/

/**
 * Every local branch and every branch of `origin` (without `origin/HEAD`), read by one
 * `git for-each-ref`, in ref order. Refs that point at something other than a commit are
 * skipped.
 */
export async function readBranchRefs(repo: string): Promise<BranchRef[]> {
  const out = await runGit(repo, ['for-each-ref', `--format=${FORMAT}`, LOCAL, ORIGIN])
  const refs: BranchRef[] = []
  for (const record of out.stdout.split('\0\n')) {
    if (!record) continue
    const [ref = '', sha = '', type] = record.split('\0')
    if (type !== 'commit' || !SHA.test(sha)) continue
    if (ref.startsWith(LOCAL)) {
      refs.push({ ref, name: ref.slice(LOCAL.length), kind: 'local', sha })
    } else if (ref.startsWith(ORIGIN) && ref !== `${ORIGIN}HEAD`) {
      refs.push({ ref, name: ref.slice(REMOTE.length), kind: 'remote', sha })
    }
  }
  return refs
}

/** True when `text` is a full object name (SHA-1 or SHA-256 hex), safe to pass to git. */
export function isSha(text: string): boolean {
  return SHA.test(text)
}
