import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const env = {
  ...process.env,
  GIT_AUTHOR_NAME: 'E2E Author',
  GIT_AUTHOR_EMAIL: 'e2e@example.invalid',
  GIT_COMMITTER_NAME: 'E2E Author',
  GIT_COMMITTER_EMAIL: 'e2e@example.invalid'
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env, encoding: 'utf8' }).trim()
}

function commit(cwd: string, file: string, subject: string): void {
  writeFileSync(join(cwd, file), `${subject}\n`, { flag: 'a' })
  git(cwd, 'add', '--', file)
  git(cwd, 'commit', '-q', '-m', subject)
}

/**
 * A real repository for e2e: main with 5 commits, `feature/PAY-7-retry` 2 ahead and 3 behind,
 * and a branch whose name would be dangerous in a shell, `x;$(id)`, 1 ahead.
 */
export function makeRepository(): string {
  const dir = mkdtempSync(join(tmpdir(), 'slipway-e2e-repo-'))
  git(dir, 'init', '-q', '-b', 'main')
  commit(dir, 'a.txt', 'PAY-1 first')
  commit(dir, 'a.txt', 'PAY-2 second')
  git(dir, 'switch', '-q', '-c', 'feature/PAY-7-retry')
  commit(dir, 'b.txt', 'PAY-7 retry payments')
  commit(dir, 'b.txt', 'PAY-7 backoff')
  git(dir, 'switch', '-q', 'main')
  commit(dir, 'a.txt', 'PAY-3 third')
  commit(dir, 'a.txt', 'PAY-4 fourth')
  commit(dir, 'a.txt', 'PAY-5 fifth')
  git(dir, 'switch', '-q', '-c', 'x;$(id)')
  commit(dir, 'c.txt', 'PAY-9 odd name')
  git(dir, 'switch', '-q', 'main')
  return dir
}
