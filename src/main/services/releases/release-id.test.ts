import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { baseReleaseId, isReleaseId, releaseIdCandidate } from './release-id'
import { discardStaged, stageRelease } from './release-store'

describe('release ids', () => {
  it('accepts the sortable shape and nothing else', () => {
    for (const ok of [
      '20261126.1204-abc1234',
      '20261126.120455-abc1234def0',
      '20261126.1204-abc1234-2',
      '20261126.1204-abc1234-17'
    ]) {
      expect(isReleaseId(ok), ok).toBe(true)
    }
    for (const bad of [
      '',
      '2026112.1204-abc1234',
      '20261126.1204-ABC1234',
      '20261126.1204-abc123',
      '20261126.1204-abc1234-',
      '20261126.1204-abc1234;rm -rf /',
      '20261126.1204-abc1234\n',
      '../20261126.1204-abc1234',
      '-20261126.1204-abc1234',
      "20261126.1204-abc1234'$(id)'"
    ]) {
      expect(isReleaseId(bad), JSON.stringify(bad)).toBe(false)
    }
  })

  it('is made of the UTC minute and 7 hex of the commit', () => {
    const when = new Date(Date.UTC(2026, 10, 26, 9, 4, 59))
    expect(baseReleaseId('abc1234def5678', when)).toBe('20261126.0904-abc1234')
    expect(releaseIdCandidate('20261126.0904-abc1234', 1)).toBe('20261126.0904-abc1234')
    expect(releaseIdCandidate('20261126.0904-abc1234', 3)).toBe('20261126.0904-abc1234-3')
  })

  const dirs: string[] = []
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true })
  })

  it('takes -2, -3 … when the id is taken, also by a build in progress', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'slipway-ids-'))
    dirs.push(dir)
    const base = '20261126.0904-abc1234'
    const staged = await Promise.all([1, 2, 3].map(() => stageRelease(dir, base)))
    expect(staged.map((s) => s.id).sort()).toEqual([base, `${base}-2`, `${base}-3`])
    // The three raced for ids: which promise won which one is up to the scheduler.
    await discardStaged(staged.find((s) => s.id === `${base}-2`)!)
    expect((await stageRelease(dir, base)).id).toBe(`${base}-2`)
    expect((await readdir(dir)).sort()).toEqual([
      `.tmp-${base}`,
      `.tmp-${base}-2`,
      `.tmp-${base}-3`
    ])
  })
})
