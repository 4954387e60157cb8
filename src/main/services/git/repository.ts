import { stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import { ExpectedError } from '../errors'
import { runGit } from './runner'

/**
 * The top folder of the git work tree containing `path`; an `ExpectedError('not-a-repository')`
 * when `path` is missing, not a folder, or not inside a work tree.
 */
export async function resolveRepoRoot(path: string): Promise<string> {
  const abs = resolve(path)
  const info = await stat(abs).catch(() => null)
  if (!info) throw new ExpectedError('not-a-repository', `${abs} does not exist`, { path: abs })
  if (!info.isDirectory())
    throw new ExpectedError('not-a-repository', `${abs} is not a folder`, { path: abs })
  const out = await runGit(abs, ['rev-parse', '--show-toplevel'], { okExitCodes: [0, 128] })
  const top = out.stdout.trim()
  if (out.exitCode !== 0 && /dubious ownership/.test(out.stderr)) {
    const at = /repository at '(.+)'/.exec(out.stderr)?.[1] ?? abs
    throw new ExpectedError('not-a-repository', notOwnedMessage(at), { path: abs })
  }
  if (out.exitCode !== 0 || !top) {
    throw new ExpectedError(
      'not-a-repository',
      `${abs} is not a git repository: pick the repository's root folder, or run git init there`,
      { path: abs }
    )
  }
  return top
}

/**
 * Git refuses repositories owned by another user (`safe.directory`), because such a repository's
 * config could make git run that user's programs as you. Say so, and how to allow it.
 */
function notOwnedMessage(abs: string): string {
  const quoted = `'${abs.replace(/'/g, `'\\''`)}'`
  return (
    `${abs} is a git repository owned by another user, so git refuses to open it: ` +
    `its config could run that user's programs as you. If you trust it, allow it with ` +
    `git config --global --add safe.directory ${quoted}`
  )
}

/** True when the full ref exists (e.g. `refs/heads/main`). */
export async function refExists(repo: string, fullRef: string): Promise<boolean> {
  const out = await runGit(repo, ['show-ref', '--verify', '--quiet', '--end-of-options', fullRef], {
    okExitCodes: [0, 1, 128]
  })
  return out.exitCode === 0
}

/**
 * The main branch when the config does not name one: origin's HEAD, else `main`, else
 * `master`, else the branch HEAD points at, else `main`.
 */
export async function detectMainBranch(repo: string): Promise<string> {
  const originHead = await runGit(repo, ['symbolic-ref', '--quiet', 'refs/remotes/origin/HEAD'], {
    okExitCodes: [0, 1, 128]
  })
  const target = originHead.stdout.trim()
  if (originHead.exitCode === 0 && target.startsWith('refs/remotes/origin/')) {
    return target.slice('refs/remotes/origin/'.length)
  }
  for (const name of ['main', 'master']) {
    if (
      (await refExists(repo, `refs/heads/${name}`)) ||
      (await refExists(repo, `refs/remotes/origin/${name}`))
    ) {
      return name
    }
  }
  const head = await runGit(repo, ['symbolic-ref', '--quiet', '--short', 'HEAD'], {
    okExitCodes: [0, 1, 128]
  })
  return head.stdout.trim() || 'main'
}
