import { afterEach, describe, expect, it } from 'vitest'
import { ExpectedError } from '../errors'
import { git } from '../../testing/test-repo'
import { removeDir, tempDir } from '../../testing/temp-dir'
import { readIdentity } from './git-write'

const dirs: string[] = []
afterEach(async () => {
  for (const d of dirs.splice(0)) await removeDir(d)
})

describe('the git identity team state is written as', () => {
  it('says which repository has none and how to set it, then reads it once set', async () => {
    const repo = await tempDir('slipway-identity-')
    dirs.push(repo)
    git(repo, 'init', '-q', '-b', 'main')
    // An empty name here wins over any global one: git then refuses to name an author.
    git(repo, 'config', 'user.name', '')
    const refused = await readIdentity(repo).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(ExpectedError)
    expect((refused as ExpectedError).code).toBe('bad-config')
    expect((refused as ExpectedError).message).toBe(
      `Git does not know who you are in ${repo}, and Slipway records who did what: run git config --global user.name "Your Name" and git config --global user.email you@example.com in a terminal (or, for this repository only, git -C "${repo}" config user.name "Your Name" and git -C "${repo}" config user.email you@example.com), then try again.`
    )
    // Following the advice (this repository only) is enough.
    git(repo, 'config', 'user.name', 'Ana Lima')
    git(repo, 'config', 'user.email', 'ana@example.com')
    expect(await readIdentity(repo)).toEqual({ name: 'Ana Lima', email: 'ana@example.com' })
  })
})
