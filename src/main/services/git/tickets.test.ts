import { describe, expect, it } from 'vitest'
import { ExpectedError } from '../errors'
import { findTickets } from './tickets'

const PATTERN = '[A-Z][A-Z0-9]+-[0-9]+'

describe('findTickets', () => {
  it('finds every key once, in the order first seen', () => {
    expect(findTickets('ORD-12 fix PAY-3, then ORD-12 again and OPS2-7', PATTERN)).toEqual([
      'ORD-12',
      'PAY-3',
      'OPS2-7'
    ])
  })

  it('finds keys inside branch names', () => {
    expect(findTickets('feature/ORD-123-checkout', PATTERN)).toEqual(['ORD-123'])
    expect(findTickets('chore/no-ticket-here', PATTERN)).toEqual([])
  })

  it('applies a custom pattern globally and ignores empty matches', () => {
    expect(findTickets('#12 and #7 and #12', '#[0-9]+')).toEqual(['#12', '#7'])
    expect(findTickets('abc', 'x*')).toEqual([])
  })

  it('is not confused by repeated calls with the same pattern', () => {
    for (let i = 0; i < 3; i += 1)
      expect(findTickets('AB-1 CD-2', PATTERN)).toEqual(['AB-1', 'CD-2'])
  })

  it('reports an invalid pattern as a config problem', () => {
    expect(() => findTickets('x', '[')).toThrow(ExpectedError)
    try {
      findTickets('x', '(')
    } catch (e) {
      expect((e as ExpectedError).code).toBe('bad-config')
    }
  })
})
