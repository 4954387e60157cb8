import type { PrunableBranch, PruneOutcome } from '../../../shared/contract-branches'
import { runGit } from './runner'

// What a branch name may hold here: none of the characters git refuses in a ref (space, control
// characters, ~ ^ : ? * [ \). That keeps a name from ending one line of `update-ref --stdin` and
// starting another; git checks the rest of its rules itself. (A leading "-" is harmless here: the
// names go through stdin, never as arguments.)
// eslint-disable-next-line no-control-regex
const BRANCH_NAME = /^[^\s\x00-\x1f\x7f~^:?*[\\]+$/
const SHA = /^[0-9a-f]{40}$/

/** Local branches (full ref → tip sha), read in one call. */
async function localBranches(repo: string): Promise<Map<string, string>> {
  const { stdout } = await runGit(repo, [
    'for-each-ref',
    '--format=%(refname)%00%(objectname)',
    'refs/heads/'
  ])
  const out = new Map<string, string>()
  for (const line of stdout.split('\n')) {
    const [ref, sha] = line.split('\0')
    if (ref && sha) out.set(ref, sha)
  }
  return out
}

/** The branches checked out in this repository's worktrees (git refuses to lose those). */
async function checkedOut(repo: string): Promise<Map<string, string>> {
  const { stdout } = await runGit(repo, ['worktree', 'list', '--porcelain', '-z'])
  const out = new Map<string, string>()
  let path = ''
  for (const field of stdout.split('\0')) {
    if (field.startsWith('worktree ')) path = field.slice('worktree '.length)
    else if (field.startsWith('branch ')) out.set(field.slice('branch '.length), path)
  }
  return out
}

/**
 * The local branches that are merged into main (their tip is in main's history, so deleting
 * them loses no commit and they can be restored at the same sha), except main and any branch
 * checked out in a worktree. Each with its tip, subject and date, by name.
 */
export async function prunableBranches(
  repo: string,
  mainBranch: string
): Promise<PrunableBranch[]> {
  const mainRef = `refs/heads/${mainBranch}`
  const [all, busy] = await Promise.all([localBranches(repo), checkedOut(repo)])
  const mainSha = all.get(mainRef)
  if (!mainSha) return []
  // --merged takes main's sha: no name reaches git as an argument.
  const { stdout } = await runGit(repo, [
    'for-each-ref',
    `--merged=${mainSha}`,
    '--format=%(refname)%00%(objectname)%00%(committerdate:iso-strict)%00%(contents:subject)',
    'refs/heads/'
  ])
  const out: PrunableBranch[] = []
  for (const line of stdout.split('\n')) {
    const [ref, sha, date, subject] = line.split('\0')
    if (!ref || !sha || ref === mainRef || busy.has(ref)) continue
    out.push({
      name: ref.slice('refs/heads/'.length),
      sha,
      date: date ?? '',
      subject: subject ?? '',
      atMain: sha === mainSha
    })
  }
  return out.sort((a, b) => a.name.localeCompare(b.name))
}

/**
 * Deletes the local branches asked for that are still prunable at the sha the user saw, in one
 * `git update-ref --stdin` transaction that checks each old sha (names go through stdin, never
 * as arguments); the others are answered with the reason. Each deleted branch can be restored
 * with {@link restoreBranches} (its commits stay reachable from main).
 */
export async function pruneBranches(
  repo: string,
  mainBranch: string,
  asked: readonly { readonly name: string; readonly sha: string }[]
): Promise<PruneOutcome> {
  const [prunable, all, busy] = await Promise.all([
    prunableBranches(repo, mainBranch),
    localBranches(repo),
    checkedOut(repo)
  ])
  const byName = new Map(prunable.map((b) => [b.name, b]))
  const done: { name: string; sha: string }[] = []
  const skipped: { name: string; reason: string }[] = []
  for (const { name, sha } of asked) {
    const ref = `refs/heads/${name}`
    const now = all.get(ref)
    const branch = byName.get(name)
    if (now === undefined) skipped.push({ name, reason: 'no such local branch' })
    else if (now !== sha) skipped.push({ name, reason: `moved to ${now.slice(0, 8)} since listed` })
    else if (busy.has(ref)) skipped.push({ name, reason: `checked out in ${busy.get(ref)}` })
    else if (!branch) skipped.push({ name, reason: `not merged into ${mainBranch}` })
    else done.push({ name, sha })
  }
  if (done.length > 0) {
    const input = ['start', ...done.map((b) => `delete refs/heads/${b.name} ${b.sha}`), 'commit']
    await runGit(repo, ['update-ref', '--stdin'], { input: input.join('\n') + '\n' })
  }
  return { done, skipped }
}

/**
 * Creates the branches again at their shas (an undo of {@link pruneBranches}), never over a
 * branch that exists again: those are answered with the reason, the rest created in one
 * transaction whose names git itself validates.
 */
export async function restoreBranches(
  repo: string,
  asked: readonly { readonly name: string; readonly sha: string }[]
): Promise<PruneOutcome> {
  const wellFormed = asked.filter((b) => BRANCH_NAME.test(b.name) && SHA.test(b.sha))
  const [all, commits] = await Promise.all([
    localBranches(repo),
    existingCommits(
      repo,
      wellFormed.map((b) => b.sha)
    )
  ])
  const done: { name: string; sha: string }[] = []
  const skipped: { name: string; reason: string }[] = []
  for (const { name, sha } of asked) {
    const now = all.get(`refs/heads/${name}`)
    if (!BRANCH_NAME.test(name) || !SHA.test(sha)) {
      skipped.push({ name, reason: 'not a branch name and commit sha' })
    } else if (now !== undefined) {
      skipped.push({ name, reason: `exists again at ${now.slice(0, 8)}` })
    } else if (!commits.has(sha)) {
      skipped.push({ name, reason: `commit ${sha.slice(0, 8)} is not in this repository` })
    } else done.push({ name, sha })
  }
  if (done.length > 0) {
    const input = ['start', ...done.map((b) => `create refs/heads/${b.name} ${b.sha}`), 'commit']
    await runGit(repo, ['update-ref', '--stdin'], { input: input.join('\n') + '\n' })
  }
  return { done, skipped }
}

/** Which of `shas` are commits in the repository (asked through stdin). */
async function existingCommits(repo: string, shas: readonly string[]): Promise<Set<string>> {
  if (shas.length === 0) return new Set()
  const { stdout } = await runGit(repo, ['cat-file', '--batch-check=%(objectname) %(objecttype)'], {
    input: shas.join('\n') + '\n'
  })
  const out = new Set<string>()
  for (const line of stdout.split('\n')) {
    const [sha, type] = line.split(' ')
    if (sha && type === 'commit') out.add(sha)
  }
  return out
}
