import { describe, expect, it } from 'vitest'
import { makeBranch } from '../test/fake-client'
import { boardBranches, filterBranches, isMerged, sortBranches } from './filter-branches'

const branches = [
  makeBranch({ name: 'feature/ORD-12-refunds', tickets: ['ORD-12'] }),
  makeBranch({ name: 'fix/checkout-timeout', tickets: ['PAY-7', 'ORD-3'] }),
  makeBranch({ name: 'chore/deps' }),
  makeBranch({ name: 'origin/feature/search', kind: 'remote' })
]
const names = (list: readonly { name: string }[]): string[] => list.map((b) => b.name)

describe('filterBranches', () => {
  it('keeps every branch for empty or blank text', () => {
    expect(filterBranches(branches, '')).toBe(branches)
    expect(filterBranches(branches, '   ')).toBe(branches)
  })

  it('matches the name case-insensitively', () => {
    expect(names(filterBranches(branches, 'CHECKOUT'))).toEqual(['fix/checkout-timeout'])
    expect(names(filterBranches(branches, 'feature'))).toEqual([
      'feature/ORD-12-refunds',
      'origin/feature/search'
    ])
  })

  it('matches ticket keys found outside the name', () => {
    expect(names(filterBranches(branches, 'pay-7'))).toEqual(['fix/checkout-timeout'])
    expect(names(filterBranches(branches, 'ord-3'))).toEqual(['fix/checkout-timeout'])
  })

  it('needs every word to match somewhere', () => {
    expect(names(filterBranches(branches, 'ord 12'))).toEqual(['feature/ORD-12-refunds'])
    expect(names(filterBranches(branches, 'fix ord-12'))).toEqual([])
  })

  it('finds nothing when nothing matches', () => {
    expect(filterBranches(branches, 'zzz')).toEqual([])
  })
})

describe('filter by author and subject, sort by activity', () => {
  const people = [
    makeBranch({
      name: 'b/one',
      author: 'Ana Lima',
      subject: 'ORD-5 Refund by card',
      date: '2026-11-02T10:00:00Z'
    }),
    makeBranch({
      name: 'a/two',
      author: 'Ben Okafor',
      subject: 'Speed up the cart',
      date: '2026-11-03T10:00:00Z'
    }),
    makeBranch({
      name: 'c/three',
      author: 'Ana Lima',
      subject: 'Docs',
      date: '2026-11-01T10:00:00Z'
    })
  ]

  it('matches words in the author and the subject; author: and subject: look in one field', () => {
    expect(names(filterBranches(people, 'ana'))).toEqual(['b/one', 'c/three'])
    expect(names(filterBranches(people, 'refund card'))).toEqual(['b/one'])
    expect(names(filterBranches(people, 'author:ben'))).toEqual(['a/two'])
    expect(names(filterBranches(people, 'author:ana subject:docs'))).toEqual(['c/three'])
    // "cart" is in a subject, not an author.
    expect(names(filterBranches(people, 'author:cart'))).toEqual([])
  })

  it("sorts by the newest tip first, or keeps git's name order", () => {
    expect(names(sortBranches(people, 'activity'))).toEqual(['a/two', 'b/one', 'c/three'])
    expect(sortBranches(people, 'name')).toBe(people)
  })

  it('calls a branch merged when it has no commit main lacks (main itself is not)', () => {
    expect(isMerged(makeBranch({ name: 'x', ahead: 0, behind: 4 }))).toBe(true)
    expect(isMerged(makeBranch({ name: 'y', ahead: 1 }))).toBe(false)
    expect(isMerged(makeBranch({ name: 'main', ahead: 0, isMain: true }))).toBe(false)
  })
})

describe('boardBranches', () => {
  it('leaves main out of the branch lane', () => {
    const main = makeBranch({ name: 'main', isMain: true })
    expect(names(boardBranches([main, ...branches]))).not.toContain('main')
    expect(boardBranches([main, ...branches])).toHaveLength(branches.length)
  })
})

describe('boardBranches with an origin', () => {
  it('shows a pushed branch once, and its remote twin again when the two differ', () => {
    const main = makeBranch({ name: 'main', isMain: true })
    const originMain = makeBranch({ name: 'origin/main', kind: 'remote', sha: main.sha })
    const pushed = makeBranch({ name: 'ORD-1-x' })
    const pushedTwin = makeBranch({ name: 'origin/ORD-1-x', kind: 'remote', sha: pushed.sha })
    const moved = makeBranch({ name: 'ORD-2-y' })
    const movedTwin = makeBranch({ name: 'origin/ORD-2-y', kind: 'remote' })
    const theirs = makeBranch({ name: 'origin/ORD-3-z', kind: 'remote' })
    const all = [main, originMain, pushed, pushedTwin, moved, movedTwin, theirs]
    expect(boardBranches(all).map((b) => b.name)).toEqual([
      'ORD-1-x',
      'ORD-2-y',
      'origin/ORD-2-y',
      'origin/ORD-3-z'
    ])
  })
})
