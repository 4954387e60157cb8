import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { shellQuote } from './shell-quote'

const HOSTILE = [
  "a'b",
  "'",
  "''",
  '$(id)',
  '`id`',
  ';rm -rf /',
  'a\nb\n',
  '\n',
  'ünïcødé ✓ 日本',
  '-rf',
  '--help',
  '',
  ' ',
  '*',
  '~root',
  'a b\tc',
  '"$HOME"',
  '\\',
  '!!',
  '${IFS}x',
  '&& echo pwned #',
  '20261126.1204-abc1234;id',
  'feature/ORD-1$(touch /tmp/slipway-pwned)'
]

/** Runs `printf %s <quoted>` through a real sh and returns what it printed. */
function roundTrip(value: string): string {
  const r = spawnSync('/bin/sh', ['-c', `printf '%s' ${shellQuote(value)}`], { encoding: 'utf8' })
  expect(r.status).toBe(0)
  return r.stdout
}

describe('shellQuote', () => {
  it.each(HOSTILE)('gives sh exactly one word with the same value: %j', (value) => {
    expect(roundTrip(value)).toBe(value)
    const words = spawnSync('/bin/sh', ['-c', `set -- ${shellQuote(value)}; echo $#`], {
      encoding: 'utf8'
    })
    expect(words.stdout.trim()).toBe('1')
  })

  it('leaves plain words readable', () => {
    expect(shellQuote('releases/20261126.1204-abc1234')).toBe('releases/20261126.1204-abc1234')
    expect(shellQuote("it's")).toBe(`'it'\\''s'`)
    expect(shellQuote('')).toBe(`''`)
  })

  it('refuses NUL, which no shell word can hold', () => {
    expect(() => shellQuote('a\0b')).toThrow(/NUL/)
  })
})
