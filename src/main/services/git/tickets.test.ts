import { describe, expect, it } from 'vitest'
import { ExpectedError } from '../errors'
import { findTickets, MAX_TICKET_KEY, MAX_TICKET_TEXT } from './tickets'

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

  // Security review finding 3: the stalling pattern never runs, whoever passes it.
  it('refuses a pattern that could stall, before running it', () => {
    const branch = `feature/${'A'.repeat(29)}`
    expect(() => findTickets(branch, '([A-Z]+)+-[0-9]+')).toThrow(/exponential time/)
  })

  it('searches only the start of a long text and ignores overlong keys', () => {
    const far = `${'x'.repeat(MAX_TICKET_TEXT)} ORD-1`
    expect(findTickets(far, PATTERN)).toEqual([])
    expect(findTickets(`ORD-1 ${'x'.repeat(2000)}`, PATTERN)).toEqual(['ORD-1'])
    const long = `A${'B'.repeat(MAX_TICKET_KEY)}-1`
    expect(findTickets(`${long} ORD-2`, PATTERN)).toEqual(['ORD-2'])
  })
})
