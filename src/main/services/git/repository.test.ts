import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ExpectedError } from '../errors'
import { detectMainBranch, resolveRepoRoot } from './repository'
import { TestRepo } from '../../testing/test-repo'

const repos: TestRepo[] = []
const folders: string[] = []
afterEach(() => {
  for (const r of repos.splice(0)) r.remove()
  for (const f of folders.splice(0)) rmSync(f, { recursive: true, force: true })
})

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p
    return 'resolved'
  } catch (e) {
    expect(e).toBeInstanceOf(ExpectedError)
    return (e as ExpectedError).code
  }
}

describe('resolveRepoRoot', () => {
  it('answers the top of the work tree from a subfolder', async () => {
    const repo = TestRepo.create()
    repos.push(repo)
    mkdirSync(join(repo.path, 'a', 'b'), { recursive: true })
    const top = await resolveRepoRoot(join(repo.path, 'a', 'b'))
    expect(top).toBe(repo.git(['rev-parse', '--show-toplevel']))
  })

  it('rejects a missing path, a file and a plain folder as not-a-repository', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slipway-plain-'))
    folders.push(dir)
    writeFileSync(join(dir, 'file.txt'), 'x')
    expect(await codeOf(resolveRepoRoot(join(dir, 'missing')))).toBe('not-a-repository')
    expect(await codeOf(resolveRepoRoot(join(dir, 'file.txt')))).toBe('not-a-repository')
    expect(await codeOf(resolveRepoRoot(dir))).toBe('not-a-repository')
  })
})

describe('detectMainBranch', () => {
  it("prefers origin's HEAD, then main, then master", async () => {
    const upstream = TestRepo.create()
    repos.push(upstream)
    upstream.setRef('refs/heads/trunk', upstream.commit('root'))
    upstream.git(['symbolic-ref', 'HEAD', 'refs/heads/trunk'])
    const clone = TestRepo.cloneOf(upstream)
    repos.push(clone)
    expect(await detectMainBranch(clone.path)).toBe('trunk')

    const plain = TestRepo.create()
    repos.push(plain)
    plain.setRef('refs/heads/master', plain.commit('root'))
    expect(await detectMainBranch(plain.path)).toBe('master')
    plain.setRef('refs/heads/main', plain.commit('other'))
    expect(await detectMainBranch(plain.path)).toBe('main')
  })

  it('falls back to the branch HEAD names in a repository without main or master', async () => {
    const repo = TestRepo.create()
    repos.push(repo)
    repo.git(['symbolic-ref', 'HEAD', 'refs/heads/develop'])
    repo.setRef('refs/heads/develop', repo.commit('root'))
    expect(await detectMainBranch(repo.path)).toBe('develop')
  })
})
