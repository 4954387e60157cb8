import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { WorktreePool } from './worktree-pool'
import { TestRepo } from '../../testing/test-repo'

const repo = TestRepo.create({
  files: { 'a.txt': 'one\n', '.gitignore': 'build/\n' },
  prefix: 'slipway-tests-'
})
const data = mkdtempSync(join(tmpdir(), 'slipway-pool-'))
afterAll(() => {
  repo.remove()
  rmSync(data, { recursive: true, force: true })
})

describe('WorktreePool', () => {
  it("never cleans away a live process's worktrees, only those of dead processes", async () => {
    const root = join(data, 'worktrees-shared')
    const serving = new WorktreePool(repo.path, root)
    await serving.prepare()
    const busy = await serving.acquire(repo.sha('main'))
    // A crashed Slipway's leftover: a pid that cannot be alive.
    const crashed = join(root, 'wt-999999999-abcdef-0')
    mkdirSync(crashed)

    // A second pool on the same folder (`slipway test` beside `slipway serve`).
    const cli = new WorktreePool(repo.path, root)
    await cli.prepare()
    expect(existsSync(join(busy.path, 'a.txt'))).toBe(true)
    expect(existsSync(crashed)).toBe(false)

    serving.release(busy)
    await serving.removeAll()
    await cli.removeAll()
  })

  it('checks out exact commits, reuses one worktree cleanly, and leaves the repository alone', async () => {
    const first = repo.sha('main')
    const second = repo.commitTo('feat/x', { 'a.txt': 'two\n' })
    const before = repo.snapshot()
    const pool = new WorktreePool(repo.path, join(data, 'worktrees'))
    await pool.prepare()

    const wt = await pool.acquire(first)
    expect(readFileSync(join(wt.path, 'a.txt'), 'utf8')).toBe('one\n')
    expect(repo.git(['-C', wt.path, 'rev-parse', 'HEAD'])).toBe(first)
    // What a test run leaves behind: untracked, ignored and setup output, a local edit.
    writeFileSync(join(wt.path, 'a.txt'), 'edited\n')
    writeFileSync(join(wt.path, 'untracked.txt'), 'x')
    mkdirSync(join(wt.path, 'build'))
    writeFileSync(join(wt.path, 'build', 'out.js'), 'x')
    mkdirSync(join(wt.path, 'node_modules'))
    writeFileSync(join(wt.path, 'node_modules', 'kept.js'), 'x')
    pool.release(wt)

    const again = await pool.acquire(second)
    expect(again.path).toBe(wt.path)
    expect(readFileSync(join(again.path, 'a.txt'), 'utf8')).toBe('two\n')
    expect(existsSync(join(again.path, 'untracked.txt'))).toBe(false)
    expect(existsSync(join(again.path, 'build'))).toBe(false)
    expect(existsSync(join(again.path, 'node_modules', 'kept.js'))).toBe(true)
    pool.release(again)

    const noSetup = await pool.acquire(first, false)
    expect(existsSync(join(noSetup.path, 'node_modules'))).toBe(false)
    // A second concurrent run gets a second worktree.
    const other = await pool.acquire(second)
    expect(other.path).not.toBe(noSetup.path)
    expect(pool.size).toBe(2)
    expect(repo.snapshot()).toBe(before)

    await pool.removeAll()
    expect(existsSync(noSetup.path)).toBe(false)
    expect(repo.git(['worktree', 'list', '--porcelain']).match(/^worktree /gm)).toHaveLength(1)
  })

  it('replaces a worktree that was deleted behind its back', async () => {
    const pool = new WorktreePool(repo.path, join(data, 'worktrees-2'))
    await pool.prepare()
    const wt = await pool.acquire(repo.sha('main'))
    pool.release(wt)
    rmSync(wt.path, { recursive: true, force: true })
    const fresh = await pool.acquire(repo.sha('main'))
    expect(fresh.path).not.toBe(wt.path)
    expect(readFileSync(join(fresh.path, 'a.txt'), 'utf8')).toBe('one\n')
    await pool.removeAll()
  })
})
