import { createHash } from 'node:crypto'
import { mkdir } from 'node:fs/promises'
import { basename, join, resolve } from 'node:path'
import { PRIVATE_DIR } from '../private-files'

/**
 * The folder where Slipway keeps one workspace's own data (test results, logs, releases):
 * `<dataDir>/workspaces/<name>-<hash of the absolute path>`, created on demand. Never inside
 * the repository, so nothing Slipway writes shows up in `git status`.
 */
export async function workspaceDataDir(dataDir: string, workspacePath: string): Promise<string> {
  const abs = resolve(workspacePath)
  const hash = createHash('sha256').update(abs).digest('hex').slice(0, 12)
  const name =
    basename(abs)
      .replace(/[^A-Za-z0-9._-]/g, '_')
      .slice(0, 40) || 'workspace'
  const dir = join(dataDir, 'workspaces', `${name}-${hash}`)
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR })
  return dir
}
