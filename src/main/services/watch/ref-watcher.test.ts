import { execFileSync } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { resolveGitDirs, watchRefs } from './ref-watcher'

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

/** Resolves with the number of calls once `calls()` is at least `n`, or rejects after `ms`. */
function waitFor(calls: () => number, n: number, ms = 5000): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const start = Date.now()
    const tick = (): void => {
      if (calls() >= n) resolvePromise(calls())
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
    await waitFor(() => calls, 1)
    // The burst of writes from one commit is collapsed into one call.
    await new Promise((r) => setTimeout(r, 400))
    expect(calls).toBe(1)
  })

  it('fires for a new branch in a new sub-folder and for packed refs', async () => {
    let calls = 0
    stop = watchRefs(join(repo, '.git'), () => calls++)
    git(repo, 'branch', 'feature/ORD-1')
    await waitFor(() => calls, 1)
    await new Promise((r) => setTimeout(r, 300))
    git(repo, 'branch', 'feature/ORD-2')
    await waitFor(() => calls, 2)
    await new Promise((r) => setTimeout(r, 300))
    git(repo, 'pack-refs', '--all')
    await waitFor(() => calls, 3)
  })

  it('stays quiet for work-tree changes and after it is stopped', async () => {
    let calls = 0
    const stopNow = watchRefs(join(repo, '.git'), () => calls++)
    await writeFile(join(repo, 'c.txt'), 'c\n')
    git(repo, 'add', 'c.txt')
    await new Promise((r) => setTimeout(r, 400))
    expect(calls).toBe(0)
    stopNow()
    git(repo, 'commit', '-q', '-m', 'third')
    await new Promise((r) => setTimeout(r, 400))
    expect(calls).toBe(0)
  })
})
