import { isSha } from './refs'
import { runGit } from './runner'

/** The repository's git identity (`user.email`, local config first), or null when unset. */
export async function gitUserEmail(repo: string): Promise<string | null> {
  const out = await runGit(repo, ['config', '--get', 'user.email'], { okExitCodes: [0, 1] })
  const email = out.stdout.trim()
  return out.exitCode === 0 && email !== '' ? email : null
}

/** A branch as {@link branchesWithCommitsBy} needs it. */
export interface BranchTip {
  readonly name: string
  readonly sha: string
}

/**
 * The branches with at least one commit not on main authored by `email` (case-insensitive):
 * one `git log` over every tip (fed through stdin) minus main's history, then each branch is
 * mine when a commit of mine is reachable from its tip inside that set.
 */
export async function branchesWithCommitsBy(
  repo: string,
  branches: readonly BranchTip[],
  mainSha: string | null,
  email: string
): Promise<string[]> {
  const tips = [...new Set(branches.map((b) => b.sha))].filter(isSha)
  if (tips.length === 0) return []
  const input = [...tips, ...(mainSha && isSha(mainSha) ? [`^${mainSha}`] : []), ''].join('\n')
  const out = await runGit(repo, ['log', '--format=%H%x00%ae%x00%P', '--stdin'], { input })
  const commits = new Map<string, { mine: boolean; parents: string[] }>()
  const me = email.toLowerCase()
  for (const line of out.stdout.split('\n')) {
    if (!line) continue
    const [sha = '', author = '', parents = ''] = line.split('\0')
    commits.set(sha, {
      mine: author.toLowerCase() === me,
      parents: parents.split(' ').filter(Boolean)
    })
  }
  // Whether a commit of mine is reachable from each commit, within the commits not on main.
  const reaches = new Map<string, boolean>()
  const reachesMine = (start: string): boolean => {
    const stack = [start]
    while (stack.length > 0) {
      const sha = stack[stack.length - 1] ?? ''
      if (reaches.has(sha)) {
        stack.pop()
        continue
      }
      const commit = commits.get(sha)
      if (!commit) {
        reaches.set(sha, false)
        stack.pop()
        continue
      }
      const pending = commit.parents.filter((p) => !reaches.has(p))
      if (!commit.mine && pending.length > 0) {
        stack.push(...pending)
        continue
      }
      reaches.set(sha, commit.mine || commit.parents.some((p) => reaches.get(p) === true))
      stack.pop()
    }
    return reaches.get(start) === true
  }
  return branches.filter((b) => reachesMine(b.sha)).map((b) => b.name)
}
