import { describe, expect, it } from 'vitest'
import { makeBranch } from '../test/fake-client'
import { boardBranches, filterBranches } from './filter-branches'

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
