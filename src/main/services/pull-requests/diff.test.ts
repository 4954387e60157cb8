import { writeFileSync, mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { SlipwayConfigSchema } from '../../../shared/config-schema'
import { Team } from '../team'
import { git, TeamRepos } from '../../testing/team-repos'
import { parseUnifiedDiff } from './diff'

let repos: TeamRepos | null = null
afterEach(() => {
  repos?.remove()
  repos = null
})

const config = SlipwayConfigSchema.parse({ project: 'orders', tickets: { pattern: 'ORD-[0-9]+' } })
const BIG = 30_000

describe('pull request files, diffs and comments', { timeout: 300_000 }, () => {
  it('lists changed files (added, modified, deleted, renamed) and windows a large diff', async () => {
    repos = TeamRepos.create()
    const a = repos.clone('ana', 'Ana Lima', 'ana@example.com')
    const lines = (n: number, tag: string): string =>
      Array.from({ length: n }, (_, i) => `${tag} line ${i + 1}`).join('\n') + '\n'
    writeFileSync(join(a, 'keep.txt'), lines(20, 'keep'))
    writeFileSync(join(a, 'gone.txt'), 'bye\n')
    writeFileSync(join(a, 'old-name.txt'), lines(40, 'moved'))
    git(a, ['add', '.'])
    git(a, ['commit', '--quiet', '-m', 'Base'])
    git(a, ['switch', '--quiet', '-c', 'ORD-5-files'])
    writeFileSync(join(a, 'keep.txt'), lines(20, 'keep').replace('keep line 10', 'changed 10'))
    rmSync(join(a, 'gone.txt'))
    git(a, ['mv', 'old-name.txt', 'new-name.txt'])
    mkdirSync(join(a, ':(glob)*'))
    writeFileSync(join(a, ':(glob)*', 'odd.txt'), 'odd\n')
    writeFileSync(join(a, 'big.txt'), lines(BIG, 'big'))
    git(a, ['add', '-A'])
    git(a, ['commit', '--quiet', '-m', 'ORD-5 Files'])
    git(a, ['switch', '--quiet', 'main'])
    const team = await Team.open({ repo: a, config, mainBranch: 'main' })
    await team.pullRequests.open({ branch: 'ORD-5-files' })
    const changed = await team.pullRequests.changedFiles('ORD-5-files')
    const byPath = Object.fromEntries(changed.files.map((f) => [f.path, f]))
    expect(byPath['keep.txt']).toMatchObject({ status: 'modified', additions: 1, deletions: 1 })
    expect(byPath['gone.txt']).toMatchObject({ status: 'deleted', deletions: 1 })
    expect(byPath['new-name.txt']).toMatchObject({ status: 'renamed', oldPath: 'old-name.txt' })
    expect(byPath['big.txt']).toMatchObject({ status: 'added', additions: BIG })
    expect(byPath[':(glob)*/odd.txt']).toMatchObject({ status: 'added' })

    const first = await team.pullRequests.fileDiff('ORD-5-files', 'big.txt', 0, 3)
    expect(first.totalLines).toBe(BIG + 1)
    expect(first.lines).toEqual([
      { kind: 'hunk', oldLine: null, newLine: null, text: `@@ -0,0 +1,${BIG} @@` },
      { kind: 'add', oldLine: null, newLine: 1, text: 'big line 1' },
      { kind: 'add', oldLine: null, newLine: 2, text: 'big line 2' }
    ])
    const deep = await team.pullRequests.fileDiff('ORD-5-files', 'big.txt', 25_000, 2)
    expect(deep.lines.map((l) => [l.newLine, l.text])).toEqual([
      [25_000, 'big line 25000'],
      [25_001, 'big line 25001']
    ])
    const modified = await team.pullRequests.fileDiff('ORD-5-files', 'keep.txt')
    expect(modified.lines.filter((l) => l.kind === 'del' || l.kind === 'add')).toEqual([
      { kind: 'del', oldLine: 10, newLine: null, text: 'keep line 10' },
      { kind: 'add', oldLine: null, newLine: 10, text: 'changed 10' }
    ])
    // A name that looks like pathspec magic is read as a name.
    const odd = await team.pullRequests.fileDiff('ORD-5-files', ':(glob)*/odd.txt')
    expect(odd.lines.map((l) => l.text)).toEqual(['@@ -0,0 +1 @@', 'odd'])

    const commented = await team.pullRequests.comment('ORD-5-files', {
      body: 'Why 10?',
      path: 'keep.txt',
      line: 10
    })
    expect(commented.pullRequest.comments).toEqual([
      expect.objectContaining({
        body: 'Why 10?',
        path: 'keep.txt',
        line: 10,
        side: 'new',
        commit: changed.head,
        author: { name: 'Ana Lima', email: 'ana@example.com' }
      })
    ])
    await expect(
      team.pullRequests.comment('ORD-5-files', { body: 'x', path: '../etc/passwd' })
    ).rejects.toThrow(/not a changed file/)
    await expect(team.pullRequests.fileDiff('ORD-5-files', 'nope.txt')).rejects.toThrow(
      /not a changed file/
    )
  })

  it('parses hunks, removals, "no newline" notes and binary files', () => {
    const text = [
      'diff --git a/x b/x',
      'index 1..2 100644',
      '--- a/x',
      '+++ b/x',
      '@@ -3,2 +3,2 @@ fn',
      ' same',
      '-old',
      '+new',
      '\\ No newline at end of file',
      ''
    ].join('\n')
    expect(parseUnifiedDiff(text).lines).toEqual([
      { kind: 'hunk', oldLine: null, newLine: null, text: '@@ -3,2 +3,2 @@ fn' },
      { kind: 'context', oldLine: 3, newLine: 3, text: 'same' },
      { kind: 'del', oldLine: 4, newLine: null, text: 'old' },
      { kind: 'add', oldLine: null, newLine: 4, text: 'new' },
      { kind: 'note', oldLine: null, newLine: null, text: 'No newline at end of file' }
    ])
    expect(parseUnifiedDiff('diff --git a/b b/b\nBinary files a/b and b/b differ\n').binary).toBe(
      true
    )
  })
})
