import { basename } from 'node:path'
import type { Workspace } from '../../../shared/models'
import { detectMainBranch, resolveRepoRoot } from '../git'
import { loadConfig } from './config'

/** Options for {@link loadWorkspace}. */
export interface LoadWorkspaceOptions {
  /** True for the generated demo repository. */
  readonly isDemo?: boolean
}

/**
 * Opens the git repository containing `path`: its root, effective `slipway.yml` (with any
 * problems), main branch (config, else detected) and name (config `project`, else folder name).
 * Throws `ExpectedError('not-a-repository')` when `path` is not inside a work tree.
 */
export async function loadWorkspace(
  path: string,
  options: LoadWorkspaceOptions = {}
): Promise<Workspace> {
  const root = await resolveRepoRoot(path)
  const { config, source, problems } = await loadConfig(root)
  const mainBranch = config.mainBranch ?? (await detectMainBranch(root))
  return {
    path: root,
    name: config.project ?? basename(root),
    isDemo: options.isDemo ?? false,
    config,
    mainBranch,
    configSource: source,
    configProblems: [...problems]
  }
}
