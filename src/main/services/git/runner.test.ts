import { afterEach, describe, expect, it } from 'vitest'
import { GitError, gitProcessCount, runGit, streamGitLines } from './runner'
import { TestRepo } from '../../testing/test-repo'

const repos: TestRepo[] = []
afterEach(() => {
  for (const r of repos.splice(0)) r.remove()
})

describe('streamGitLines', () => {
  it('hands over the same complete lines as runGit, across chunks and multi-byte characters', async () => {
    const repo = TestRepo.create()
    repos.push(repo)
    // Build a long history quickly with fast-import: ~200 KB of output, so many pipe chunks.
    const parts: string[] = []
    for (let i = 1; i <= 1500; i += 1) {
      const msg = `ÖRD-${i}: ünïcødé ✓ 漢字 ${'é'.repeat(i % 40)}\n`
      parts.push(
        `commit refs/heads/main\nmark :${i}\n`,
        `committer T <t@example.com> ${1_700_000_000 + i} +0000\n`,
        `data ${Buffer.byteLength(msg)}\n${msg}`,
        i > 1 ? `from :${i - 1}\n\n` : '\n'
      )
    }
    repo.git(['fast-import', '--quiet'], { input: parts.join('') })
    const args = ['rev-list', '--no-commit-header', '--format=%H %P%x00%s', 'main']
    const whole = await runGit(repo.path, args)
    const streamed: string[] = []
    let calls = 0
    await streamGitLines(repo.path, args, (lines) => {
      calls += 1
      streamed.push(...lines)
    })
    expect(whole.stdout.length).toBeGreaterThan(150_000)
    expect(streamed).toEqual(whole.stdout.split('\n').slice(0, -1))
    expect(streamed).toHaveLength(1500)
    expect(calls).toBeGreaterThan(1)
  })

  it('stops git and rejects with the error a consumer throws', async () => {
    const repo = TestRepo.create()
    repos.push(repo)
    repo.setRef('refs/heads/main', repo.commit('one'))
    const failure = new Error('cannot parse')
    await expect(
      streamGitLines(repo.path, ['rev-list', 'main'], () => {
        throw failure
      })
    ).rejects.toBe(failure)
  })

  it('turns a failing git into a GitError with args and stderr', async () => {
    const repo = TestRepo.create()
    repos.push(repo)
    const err = await streamGitLines(repo.path, ['rev-list', 'no-such-ref'], () => {}).catch(
      (e: unknown) => e
    )
    expect(err).toBeInstanceOf(GitError)
    expect((err as GitError).code).toBe('git-failed')
    expect((err as GitError).details).toMatchObject({ args: ['rev-list', 'no-such-ref'] })
    expect(String((err as GitError).details.stderr)).toContain('no-such-ref')
  })
})

describe('runGit through simple-git', () => {
  it('returns stdout byte for byte, and exit codes named as answers', async () => {
    const repo = TestRepo.create()
    repos.push(repo)
    const one = repo.commit('one')
    repo.setRef('refs/heads/main', one)
    repo.setRef('refs/heads/side', repo.commit('two', [one]))
    const out = await runGit(repo.path, ['for-each-ref', '--format=%(refname)%00', 'refs/heads'])
    expect(out.stdout).toBe('refs/heads/main\0\nrefs/heads/side\0\n')
    expect(out.exitCode).toBe(0)
    const no = await runGit(repo.path, ['merge-base', '--is-ancestor', 'side', 'main'], {
      okExitCodes: [0, 1]
    })
    expect(no.exitCode).toBe(1)
    // Exit 1 with no stderr is still a failure when the caller did not name it.
    await expect(
      runGit(repo.path, ['merge-base', '--is-ancestor', 'side', 'main'])
    ).rejects.toMatchObject({
      code: 'git-failed',
      details: { exitCode: 1 }
    })
  })

  it('refuses an option that runs a program before any git starts (the guard stays on)', async () => {
    const repo = TestRepo.create()
    repos.push(repo)
    const before = gitProcessCount()
    for (const args of [
      ['fetch', '--upload-pack=touch /tmp/slipway-pwned', 'origin'],
      ['push', '--receive-pack', 'sh', 'origin'],
      ['config', 'core.sshCommand', 'sh -c id'],
      ['config', 'alias.x', '!id']
    ]) {
      const err = await runGit(repo.path, args).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(GitError)
      expect((err as GitError).message).toMatch(/refused: .*not permitted/)
    }
    // Counted as attempts, but none reached git: the repository's config is unchanged.
    expect(gitProcessCount() - before).toBe(4)
    // `git config --get` exits 1 for an unset key.
    expect(() => repo.git(['config', '--get', 'core.sshCommand'])).toThrow()
    expect(() => repo.git(['config', '--get', 'alias.x'])).toThrow()
  })

  it('kills a git that outlives its timeout and says so', async () => {
    const repo = TestRepo.create()
    repos.push(repo)
    // `git cat-file --batch` with nothing on stdin waits forever: simple-git leaves stdin open.
    const err = await runGit(repo.path, ['cat-file', '--batch'], { timeoutMs: 300 }).catch(
      (e: unknown) => e
    )
    expect((err as GitError).message).toBe('git cat-file timed out after 300 ms')
  })
})
