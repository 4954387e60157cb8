import { describe, expect, it } from 'vitest'
import { checkRegexSafety, MAX_PATTERN_LENGTH } from './regex-safety'
import { ticketPatternProblem } from './ticket-pattern'

// Patterns teams use for ticket keys: each must be accepted.
const REALISTIC = [
  '[A-Z][A-Z0-9]+-[0-9]+',
  '[A-Z]+-\\d+',
  '\\b[A-Z]{2,10}-\\d{1,6}\\b',
  '(?:ORD|PAY|OPS)-\\d+',
  '(?<![A-Za-z])[A-Z]{2,}-[0-9]+',
  '^(?:feature|fix|chore)/([A-Z]+-[0-9]+)',
  '#\\d+',
  'GH-\\d+',
  '[A-Z][A-Z0-9_]+-[1-9][0-9]*',
  '\\w+-\\d+',
  '[^-/]+-[0-9]+',
  '(?:[A-Z]{2,5}-)+\\d+',
  '(?:\\d{2}-)+x',
  'JIRA-[0-9]{1,7}(?![0-9])',
  '[A-Z]{2,}-\\d+|#\\d+'
]

// Known catastrophic shapes (OWASP's ReDoS list and the security review's finding): each must
// be refused.
const CATASTROPHIC = [
  '([A-Z]+)+-[0-9]+',
  '(a+)+',
  '([a-zA-Z]+)*',
  '(a|aa)+',
  '(a|a?)+',
  '^(([a-z])+.)+[A-Z]([a-z])+$',
  '(\\w+\\s?)*$',
  '^(a+)+$',
  '(a*)*b',
  '(a?a?)*b',
  '(x+x+)+y',
  '(?=(a+)+b)a',
  '([A-Z]|[A-Z0-9])+-\\d+',
  '(\\d|\\w)*-'
]

// Polynomial (quadratic or worse per start): adjacent repetitions over the same characters.
const POLYNOMIAL = [
  '(.*a){12}',
  '\\d+\\d+',
  '.*-.*',
  '[A-Z]+[A-Z0-9]*-\\d+',
  'a*b?a*c',
  '\\w+\\d+-'
]

describe('checkRegexSafety', () => {
  it.each(REALISTIC)('accepts the ticket pattern %s', (pattern) => {
    expect(checkRegexSafety(pattern)).toEqual({ kind: 'safe' })
  })

  it.each(CATASTROPHIC)('refuses the exponential pattern %s', (pattern) => {
    const verdict = checkRegexSafety(pattern)
    expect(verdict.kind).toBe('refused')
    if (verdict.kind === 'refused') expect(verdict.reason).toMatch(/exponential/)
  })

  it.each(POLYNOMIAL)('refuses the overlapping repetitions of %s', (pattern) => {
    const verdict = checkRegexSafety(pattern)
    expect(verdict.kind).toBe('refused')
    if (verdict.kind === 'refused') expect(verdict.reason).toMatch(/same characters/)
  })

  it('points at the repeated part', () => {
    expect(checkRegexSafety('([A-Z]+)+-[0-9]+')).toMatchObject({ kind: 'refused', index: 1 })
  })

  it('refuses backreferences, quantified assertions and very long or large patterns', () => {
    expect(checkRegexSafety('(a)\\1')).toMatchObject({ kind: 'refused', reason: /backreference/ })
    expect(checkRegexSafety('(?<k>a)\\k<k>')).toMatchObject({ reason: /backreference/ })
    expect(checkRegexSafety('(?=a)*b')).toMatchObject({ reason: /quantified assertion/ })
    expect(checkRegexSafety('a'.repeat(MAX_PATTERN_LENGTH + 1))).toMatchObject({
      reason: /longer than/
    })
    expect(checkRegexSafety('[A-Z]{1000}')).toMatchObject({ reason: /too large/ })
  })

  it('reads Annex B syntax the engine accepts', () => {
    for (const pattern of [
      'a{',
      'x{1,',
      ']',
      '[\\d-z]+-1',
      '\\c',
      '\\x4',
      '[\\b]',
      '\\0',
      '(?:)'
    ]) {
      expect(() => new RegExp(pattern)).not.toThrow()
      expect(checkRegexSafety(pattern).kind).toBe('safe')
    }
  })

  it('keeps character classes apart when they share nothing', () => {
    expect(checkRegexSafety('[A-Z]+[0-9]+').kind).toBe('safe')
    expect(checkRegexSafety('[^0-9]+[0-9]+').kind).toBe('safe')
    expect(checkRegexSafety('\\D+\\d+').kind).toBe('safe')
    expect(checkRegexSafety('\\S+\\s+').kind).toBe('safe')
    expect(checkRegexSafety('[A-Z]+[A-Z0-9]+').kind).toBe('refused')
  })
})

describe('ticketPatternProblem', () => {
  it('says why a pattern is refused, or null', () => {
    expect(ticketPatternProblem('[A-Z]+-\\d+')).toBeNull()
    expect(ticketPatternProblem('(')).toBe('not a valid regular expression')
    expect(ticketPatternProblem('([A-Z]+)+-[0-9]+')).toMatch(
      /^refused \(at character 2 of the pattern\): nested or overlapping quantifiers/
    )
  })
})
