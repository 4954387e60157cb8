import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestRun } from '../../shared/test-models'
import { runCliSync } from '../testing/cli-process'
import {
  FAILING_BRANCH,
  PASSING_BRANCH,
  makeTestedRepo,
  makeSampleRepo
} from '../testing/fixture-repos'
import { removeDir, tempDir } from '../testing/temp-dir'
import { git } from '../testing/test-repo'

describe('slipway test and slipway runs (real process, real repository)', () => {
  let repo: string
  let dataDir: string
  let env: NodeJS.ProcessEnv

  // A script's answer to the trust question (`runs` only reads and takes no --trust).
  const cli = (...args: string[]) =>
    runCliSync(args[0] === 'test' ? ['test', '--trust', ...args.slice(1)] : args, {
      cwd: repo,
      env
    })

  beforeAll(async () => {
    repo = await makeTestedRepo()
    dataDir = await tempDir('slipway-cli-tests-')
    env = { ...process.env, SLIPWAY_DATA_DIR: dataDir, SLIPWAY_DEBUG: '' }
    const warm = cli('--version')
    expect(warm.code, warm.stderr).toBe(0)
    env.SLIPWAY_SKIP_BUILD = '1'
  }, 240_000)
  afterAll(async () => {
    await removeDir(repo)
    await removeDir(dataDir)
  })

  it('streams the log of a passing branch and exits 0', () => {
    const r = cli('test', PASSING_BRANCH)
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain('checking')
    expect(r.stdout).toContain(`on ${PASSING_BRANCH}`)
    expect(r.stdout).toContain('all good')
    expect(r.stderr).toContain(`slipway: testing ${PASSING_BRANCH} at`)
    expect(r.stderr).toMatch(/slipway: passed in \d+\.\d s \(exit code 0\)/)
    // Nothing else was tested: the one-shot command does not test the other branches.
    const stored = JSON.parse(cli('runs', '--json').stdout) as TestRun[]
    expect(stored.map((s) => s.branch)).toEqual([PASSING_BRANCH])
    expect(git(repo, 'status', '--porcelain')).toBe('')
  })

  it('exits 1 on a failing branch, reports the exit code, and reuses the result unless --force', () => {
    const r = cli('test', FAILING_BRANCH, '--workspace', repo)
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('verdict is fail')
    expect(r.stderr).toMatch(/slipway: failed in .* \(exit code 3\)/)

    const again = cli('test', FAILING_BRANCH)
    expect(again.code).toBe(1)
    expect(again.stderr).toContain('was tested already')
    expect(again.stdout).toContain('verdict is fail')

    const forced = cli('test', FAILING_BRANCH, '--force')
    expect(forced.code).toBe(1)
    expect(forced.stderr).toContain('slipway: testing')
  })

  it('tests a commit by its sha, and the merge result of a branch with --merge', () => {
    const sha = git(repo, 'rev-parse', PASSING_BRANCH).trim()
    const bySha = cli('test', sha.slice(0, 10))
    expect(bySha.code, bySha.stderr).toBe(0)
    const merged = cli('test', FAILING_BRANCH, '--merge')
    expect(merged.code).toBe(1)
    expect(merged.stderr).toContain(`the merge of ${FAILING_BRANCH} into main`)
  })

  it('runs lists the stored runs newest first, as JSON or a table, filtered by branch', () => {
    const all = JSON.parse(cli('runs', '--json').stdout) as TestRun[]
    expect(all.length).toBeGreaterThanOrEqual(4)
    const times = all.map((r) => r.queuedAt)
    expect([...times].sort().reverse()).toEqual(times)
    const failing = JSON.parse(
      cli('runs', '--branch', FAILING_BRANCH, '--json').stdout
    ) as TestRun[]
    expect(failing.length).toBeGreaterThanOrEqual(2)
    expect(failing.every((r) => r.branch === FAILING_BRANCH)).toBe(true)
    expect(failing.some((r) => r.kind === 'merge')).toBe(true)
    const table = cli('runs', '--limit', '2')
    expect(table.code).toBe(0)
    expect(table.stdout.trim().split('\n')).toHaveLength(2)
  })

  it('says what is wrong: unknown target, no target, no test.command', async () => {
    const unknown = cli('test', 'no/such-branch')
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain('no branch or commit named no/such-branch')
    const dashed = cli('test', '--', '--upload-pack=evil')
    expect(dashed.code).toBe(1)
    expect(dashed.stderr).not.toContain('    at ')
    const none = cli('test')
    expect(none.code).toBe(2)
    expect(none.stderr).toContain('test needs a branch or a commit')
    const plain = await makeSampleRepo()
    try {
      const r = cli('test', 'main', '--workspace', plain)
      expect(r.code).toBe(1)
      expect(r.stderr).toContain('no test.command')
    } finally {
      await removeDir(plain)
    }
  })
})
