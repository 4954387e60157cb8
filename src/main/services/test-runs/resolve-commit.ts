import { ExpectedError } from '../errors'
import type { TestTargetKind } from '../../../shared/test-models'
import { readBranchRefs, runGit, type BranchRef } from '../git'
import type { TestRequest } from './test-service-options'

/** The full sha of a commit named by (a prefix of) its id; clear errors otherwise. */
export async function resolveCommit(repo: string, text: string): Promise<string> {
  if (!/^[0-9a-fA-F]{4,64}$/.test(text)) {
    throw new ExpectedError('bad-request', `${text} is not a commit id`, { sha: text })
  }
  const out = await runGit(
    repo,
    ['rev-parse', '--verify', '--quiet', '--end-of-options', `${text}^{commit}`],
    { okExitCodes: [0, 1, 128] }
  )
  const sha = out.stdout.trim()
  if (out.exitCode !== 0 || !sha) {
    throw new ExpectedError('not-found', `no commit ${text} in this repository`, { sha: text })
  }
  return sha
}

/** Main's tip: the local branch, else origin's. */
export function mainTip(refs: readonly BranchRef[], mainBranch: string): string | null {
  return (
    refs.find((r) => r.kind === 'local' && r.name === mainBranch)?.sha ??
    refs.find((r) => r.kind === 'remote' && r.name === `origin/${mainBranch}`)?.sha ??
    null
  )
}

/** Whether a branch name is main: the local branch or origin's. */
export function isMainBranch(mainBranch: string): (branch: string) => boolean {
  return (branch) => branch === mainBranch || branch === `origin/${mainBranch}`
}

/** What a {@link TestRequest} names, resolved against the repository's branches now. */
export interface ResolvedTarget {
  readonly kind: TestTargetKind
  readonly sha: string
  /** Main's tip for a merge-result run, else null. */
  readonly mainSha: string | null
  /** The branch ('' for a commit no branch points at). */
  readonly branch: string
}

/** Resolves a request to test a branch (at its tip or a given sha) or a commit. */
export async function resolveTarget(
  repo: string,
  target: TestRequest,
  mainBranch: string
): Promise<ResolvedTarget> {
  const kind = target.kind ?? 'tip'
  const refs = await readBranchRefs(repo)
  let sha: string
  let branch: string
  if (target.branch !== undefined) {
    const ref = refs.find((r) => r.name === target.branch)
    if (!ref) {
      throw new ExpectedError('not-found', `no branch named ${target.branch}`, {
        branch: target.branch
      })
    }
    sha = target.sha ? await resolveCommit(repo, target.sha) : ref.sha
    branch = ref.name
  } else if (target.sha !== undefined) {
    sha = await resolveCommit(repo, target.sha)
    branch = refs.find((r) => r.sha === sha)?.name ?? ''
  } else {
    throw new ExpectedError('bad-request', 'name a branch or a commit to test')
  }
  let mainSha: string | null = null
  if (kind === 'merge') {
    mainSha = mainTip(refs, mainBranch)
    if (!mainSha) {
      throw new ExpectedError('not-found', `no main branch ${mainBranch} to merge into`)
    }
  }
  return { kind, sha, mainSha, branch }
}
