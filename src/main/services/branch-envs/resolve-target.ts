import type { BranchEnvTarget } from '../../../shared/branch-env-models'
import { ExpectedError } from '../errors'
import { readBranchRefs } from '../git'

/**
 * What a branch environment runs: a branch's tip, or the commit of the release an environment's
 * hosts serve ("Run what staging runs"), with the label the list shows.
 */
export async function resolveTarget(
  workspacePath: string,
  environmentCommit: (environment: string) => Promise<{ release: string; sha: string }>,
  request: { branch?: string; environment?: string }
): Promise<{ target: BranchEnvTarget; sha: string; label: string }> {
  if (request.branch !== undefined) {
    const refs = await readBranchRefs(workspacePath)
    const ref = refs.find((r) => r.name === request.branch)
    if (!ref) {
      throw new ExpectedError('not-found', `no branch named ${request.branch}`, {
        branch: request.branch
      })
    }
    return {
      target: { kind: 'branch', branch: request.branch },
      sha: ref.sha,
      label: request.branch
    }
  }
  const environment = request.environment as string
  const { release, sha } = await environmentCommit(environment)
  return {
    target: { kind: 'environment', environment, release },
    sha,
    label: `${environment} (${release})`
  }
}
