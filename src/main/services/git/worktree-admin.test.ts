import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { TestRepo } from '../../testing/test-repo'
import { addBuildWorktree } from '../releases/worktree'
import { pruneWorktrees } from './worktree-admin'

let repo: TestRepo | null = null
let scratch: string | null = null
afterEach(() => {
  repo?.remove()
  if (scratch) rmSync(scratch, { recursive: true, force: true })
  repo = scratch = null
})

describe('worktree adds and prunes of one process', () => {
  it('never lose an add to a prune running beside it (git takes a half-made record away)', async () => {
    const files = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`f${i}.txt`, `${i}\n`]))
    repo = TestRepo.create({ files })
    const sha = repo.git(['rev-parse', 'HEAD'])
    scratch = mkdtempSync(join(tmpdir(), 'slipway-worktree-race-'))
    // Unserialised, about 1 add in 12 failed here ("could not open
    // '.git/worktrees/worktreeN/locked' for writing", or another add's index.lock).
    for (let round = 0; round < 3; round++) {
      const outcomes = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) => [
          addBuildWorktree(repo!.path, sha, join(scratch!, `r${round}-${i}`, 'worktree')),
          pruneWorktrees(repo!.path)
        ]).flat()
      )
      const failed = outcomes.filter((o) => o.status === 'rejected')
      expect(failed.map((f) => String((f as PromiseRejectedResult).reason))).toEqual([])
    }
    const listed = repo.git(['worktree', 'list', '--porcelain']).match(/^worktree /gm) ?? []
    expect(listed).toHaveLength(61)
  }, 120_000)
})
