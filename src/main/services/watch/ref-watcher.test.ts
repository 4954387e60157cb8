import { execFileSync } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { REF_WATCH_DEBOUNCE_MS, resolveGitDirs, watchRefs } from './ref-watcher'

const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Test',
      GIT_AUTHOR_EMAIL: 't@example.com',
      GIT_COMMITTER_NAME: 'Test',
      GIT_COMMITTER_EMAIL: 't@example.com'
    }
  })

/**
 * Resolves once `calls()` is exactly `n`; rejects when it goes past `n` (a change that fired
 * twice shows up at the latest when the next change is counted) or after `ms` (a hang guard).
 */
function waitForCalls(calls: () => number, n: number, ms = 30_000): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const start = Date.now()
    const tick = (): void => {
      if (calls() > n) reject(new Error(`${calls()} calls, expected ${n}`))
      else if (calls() === n) resolvePromise()
      else if (Date.now() - start > ms) reject(new Error(`only ${calls()} calls after ${ms} ms`))
      else setTimeout(tick, 20)
    }
    tick()
  })
}

describe('watchRefs', () => {
  let repo: string
  let stop: (() => void) | null = null

  beforeEach(async () => {
    repo = await mkdtemp(join(tmpdir(), 'slipway-watch-'))
    git(repo, 'init', '-q', '-b', 'main')
    await writeFile(join(repo, 'a.txt'), 'a\n')
    git(repo, 'add', 'a.txt')
    git(repo, 'commit', '-q', '-m', 'first')
  })
  afterEach(async () => {
    stop?.()
    stop = null
    await rm(repo, { recursive: true, force: true })
  })

  it('resolves the absolute git dir of a repository', async () => {
    expect(await resolveGitDirs(repo)).toEqual([join(repo, '.git')])
  })

  it('fires once, debounced, when a commit moves a branch', async () => {
    let calls = 0
    stop = watchRefs(join(repo, '.git'), () => calls++)
    await writeFile(join(repo, 'b.txt'), 'b\n')
    git(repo, 'add', 'b.txt')
    git(repo, 'commit', '-q', '-m', 'second')
    await waitForCalls(() => calls, 1)
    // The burst of writes from one commit is collapsed into one call: the next ref change
    // makes it exactly 2.
    git(repo, 'branch', 'after')
    await waitForCalls(() => calls, 2)
  })

  it('fires once per change: a branch in a new sub-folder, packing, a packed-only branch deleted', async () => {
    let calls = 0
    stop = watchRefs(join(repo, '.git'), () => calls++)
    git(repo, 'branch', 'feature/ORD-1')
    await waitForCalls(() => calls, 1)
    git(repo, 'branch', 'feature/ORD-2')
    await waitForCalls(() => calls, 2)
    git(repo, 'pack-refs', '--all')
    await waitForCalls(() => calls, 3)
    // feature/ORD-1 now lives only in packed-refs: deleting it rewrites that file and nothing
    // under refs/.
    expect(git(repo, 'for-each-ref', '--format=%(refname)', 'refs/heads/feature')).toContain(
      'refs/heads/feature/ORD-1'
    )
    git(repo, 'branch', '-D', 'feature/ORD-1')
    await waitForCalls(() => calls, 4)
    git(repo, 'branch', 'feature/ORD-3')
    await waitForCalls(() => calls, 5)
  })

  it('stays quiet for work-tree changes and after it is stopped', async () => {
    let calls = 0
    const stopNow = watchRefs(join(repo, '.git'), () => calls++)
    await writeFile(join(repo, 'c.txt'), 'c\n')
    git(repo, 'add', 'c.txt')
    // A call for those writes would come one debounce after them; past that, a ref change
    // must be the first and only call.
    await new Promise((r) => setTimeout(r, 3 * REF_WATCH_DEBOUNCE_MS))
    git(repo, 'branch', 'sentinel')
    await waitForCalls(() => calls, 1)
    stopNow()
    git(repo, 'commit', '-q', '-m', 'third')
    await new Promise((r) => setTimeout(r, 3 * REF_WATCH_DEBOUNCE_MS))
    expect(calls).toBe(1)
  })
})
