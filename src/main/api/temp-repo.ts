// Test support: real git repositories in temp folders. Used by the router, serve and CLI tests.
import { execFileSync } from 'node:child_process'
import { mkdtemp, realpath, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Ada Test',
  GIT_AUTHOR_EMAIL: 'ada@example.com',
  GIT_COMMITTER_NAME: 'Ada Test',
  GIT_COMMITTER_EMAIL: 'ada@example.com',
  GIT_CONFIG_NOSYSTEM: '1'
}

/** Runs git in `cwd` (test fixtures only; production code uses runGit). */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: GIT_ENV })
}

/** A fresh temp folder (realpath, so it compares equal to what git reports). */
export async function tempDir(prefix: string): Promise<string> {
  return realpath(await mkdtemp(join(tmpdir(), prefix)))
}

/** Removes a temp folder. */
export function removeDir(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true })
}

/** Commits `file` with `content` on the current branch. */
export async function commitFile(
  repo: string,
  file: string,
  content: string,
  subject: string
): Promise<void> {
  await writeFile(join(repo, file), content)
  git(repo, 'add', '--', file)
  git(repo, 'commit', '-q', '-m', subject)
}

/**
 * A repository with `main` (2 commits) and `feature/ORD-1-login` (2 commits ahead, 1 behind
 * after a third main commit), plus `fix/no-ticket` at main.
 */
export async function makeSampleRepo(): Promise<string> {
  const repo = await tempDir('slipway-repo-')
  git(repo, 'init', '-q', '-b', 'main')
  await commitFile(repo, 'README.md', '# sample\n', 'Initial commit')
  await commitFile(repo, 'a.txt', 'a\n', 'Add a')
  git(repo, 'checkout', '-q', '-b', 'feature/ORD-1-login')
  await commitFile(repo, 'login.txt', 'login\n', 'ORD-1 login form')
  await commitFile(repo, 'login2.txt', 'more\n', 'ORD-2 remember me')
  git(repo, 'checkout', '-q', 'main')
  await commitFile(repo, 'b.txt', 'b\n', 'Add b')
  git(repo, 'branch', 'fix/no-ticket')
  return repo
}
