import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { TestRepo } from '../../testing/test-repo'
import { ExpectedError } from '../errors'
import { overridesFor, parseScopedConfig } from './hardening'
import { resolveRepoRoot } from './repository'
import { runGit } from './runner'

const cleanups: (() => void)[] = []
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c()
})

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

// A repository handed over by someone else: its .git/config names programs for filters, merge
// and diff drivers, ssh, credentials and the remote's upload-pack; each leaves a marker file.
function hostileRepo(markers: string): { repo: TestRepo; main: string; branch: string } {
  const repo = TestRepo.create({
    files: { '.gitattributes': '* filter=evil merge=evil diff=evil\n', 'a.txt': 'base\n' },
    prefix: 'slipway-hostile-'
  })
  cleanups.push(() => repo.remove())
  const main = repo.sha('HEAD')
  const branch = repo.commitTo('feat/ORD-1', { 'a.txt': 'branch\n' })
  repo.commitTo('main', { 'a.txt': 'main\n' })
  const mark = (name: string, then = 'cat'): string => `touch '${join(markers, name)}'; ${then}`
  const origin = TestRepo.create({ files: { 'a.txt': 'origin\n' }, prefix: 'slipway-origin-' })
  cleanups.push(() => origin.remove())
  for (const [key, value] of [
    ['filter.evil.clean', mark('clean')],
    ['filter.evil.smudge', mark('smudge')],
    ['filter.evil.process', mark('process', 'false')],
    ['filter.evil.required', 'true'],
    ['merge.evil.driver', mark('merge', 'true')],
    ['diff.evil.textconv', mark('textconv', 'cat')],
    ['core.sshCommand', mark('ssh', 'false')],
    ['credential.helper', `!${mark('credential', 'true')}`],
    ['remote.origin.url', origin.path],
    ['remote.origin.fetch', '+refs/heads/*:refs/remotes/origin/*'],
    ['remote.origin.uploadpack', mark('uploadpack', 'git-upload-pack')],
    ['remote.far.url', 'ssh://127.0.0.1:1/x.git']
  ]) {
    repo.git(['config', key as string, value as string])
  }
  return { repo, main, branch }
}

describe("Slipway's own git calls in a hostile repository", () => {
  it('run none of the programs its config names (filters, drivers, ssh, upload-pack)', async () => {
    const markers = tempDir('slipway-markers-')
    const { repo, main, branch } = hostileRepo(markers)
    const wt = join(tempDir('slipway-wt-'), 'wt')
    await runGit(repo.path, ['worktree', 'add', '--detach', '--quiet', wt, main])
    await runGit(wt, ['checkout', '--detach', '--force', '--quiet', branch])
    await runGit(wt, ['checkout', '--detach', '--force', '--quiet', main])
    await runGit(
      wt,
      ['-c', 'user.name=S', '-c', 'user.email=s@x', 'merge', '--no-commit', branch],
      {
        okExitCodes: [0, 1]
      }
    )
    await runGit(wt, ['diff', 'HEAD', '--', 'a.txt'])
    await runGit(repo.path, ['fetch', '--quiet', 'origin'])
    await runGit(repo.path, ['fetch', '--quiet', 'far'], { okExitCodes: [0, 128] })
    expect(readdirSync(markers)).toEqual([])
  }, 60_000)

  it('the same calls without the overrides do run them (the fixture is live)', async () => {
    const markers = tempDir('slipway-markers-')
    const { repo, main } = hostileRepo(markers)
    const wt = join(tempDir('slipway-wt-'), 'wt')
    expect(() => repo.git(['worktree', 'add', '--detach', '--quiet', wt, main])).toThrow()
    expect(existsSync(join(markers, 'process'))).toBe(true)
    repo.git(['fetch', '--quiet', 'origin'])
    expect(() => repo.git(['fetch', '--quiet', 'far'])).toThrow()
    expect(existsSync(join(markers, 'uploadpack'))).toBe(true)
    expect(existsSync(join(markers, 'ssh'))).toBe(true)
  }, 60_000)
})

describe('overridesFor', () => {
  const scoped = (rows: [string, string, string][]): string =>
    rows.map(([scope, key, value]) => `${scope}\0${key}\n${value}\0`).join('')

  it("puts back the user's own global value and leaves harmless keys alone", () => {
    const settings = parseScopedConfig(
      scoped([
        ['global', 'core.sshCommand', 'ssh -i ~/.ssh/deploy'],
        ['global', 'credential.helper', 'cache'],
        ['local', 'core.sshCommand', 'sh -c evil'],
        ['local', 'credential.helper', '!evil'],
        ['local', 'filter.lfs.smudge', 'evil'],
        ['local', 'protocol.ext.allow', 'always'],
        ['local', 'user.name', 'Mallory']
      ])
    )
    expect(overridesFor(settings)).toEqual([
      '-c',
      'core.sshcommand=ssh -i ~/.ssh/deploy',
      '-c',
      'credential.helper=',
      '-c',
      'credential.helper=cache',
      '-c',
      'filter.lfs.smudge=',
      '-c',
      'protocol.ext.allow=never',
      '-c',
      'filter.lfs.required=false'
    ])
  })

  it('adds nothing for a repository without such settings', () => {
    expect(overridesFor(parseScopedConfig(scoped([['local', 'core.bare', 'false']])))).toEqual([])
  })
})

describe('a repository owned by another user', () => {
  it.skipIf(process.getuid?.() !== 0)(
    'says what safe.directory means and how to allow it',
    async () => {
      const repo = TestRepo.create({ files: { 'a.txt': 'a\n' }, prefix: 'slipway-foreign-' })
      cleanups.push(() => repo.remove())
      chownSync(repo.path, 54321, 54321)
      chownSync(join(repo.path, '.git'), 54321, 54321)
      const err = await resolveRepoRoot(repo.path).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(ExpectedError)
      const message = (err as ExpectedError).message
      expect(message).toContain('owned by another user')
      expect(message).toContain(`git config --global --add safe.directory '${repo.path}'`)
      expect(message).not.toContain('not a git repository')
    }
  )
})
