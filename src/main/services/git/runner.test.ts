import { afterEach, describe, expect, it } from 'vitest'
import { GitError, runGit, streamGitLines } from './runner'
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
