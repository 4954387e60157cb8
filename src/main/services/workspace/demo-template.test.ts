import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { DEMO_FEATURES, demoFiles } from './demo-app'
import { demoAppSources } from './demo-app-source'
import { demoFastImportStream } from './demo'
import { renderDemoTemplate } from './demo-template'

const KNOWN = new Set(['a', 'b'])
const render = (path: string, text: string, on: string[]): string =>
  renderDemoTemplate(path, text, (f) => on.includes(f), KNOWN)

describe('demo app templates', () => {
  const js = [
    'top',
    '// @if a',
    'a line',
    '  // @if b',
    '  a and b',
    '  // @else',
    '//   a without b',
    '//',
    '  // @end',
    '// @end',
    '// @if !a',
    '// only without a',
    '// @end',
    'bottom',
    ''
  ].join('\n')

  it('keeps the lines whose features are present, nested, with the older lines uncommented', () => {
    expect(render('x.js', js, ['a', 'b'])).toBe('top\na line\n  a and b\nbottom\n')
    expect(render('x.js', js, ['a'])).toBe('top\na line\n  a without b\n\nbottom\n')
    expect(render('x.js', js, [])).toBe('top\nonly without a\nbottom\n')
    expect(render('x.js', js, ['b'])).toBe('top\nonly without a\nbottom\n')
  })

  it('reads markers in the comment syntax of each kind of file', () => {
    expect(render('r.md', 'x\n<!-- @if a -->\ny\n<!-- @end -->\n', [])).toBe('x\n')
    expect(render('s.sh', 'x\n# @if a\ny\n# @else\n# z\n# @end\n', [])).toBe('x\nz\n')
    expect(render('c.yml', 'x\n# @if b\ny\n# @end\n', ['b'])).toBe('x\ny\n')
  })

  it('refuses a malformed template, naming the file and line', () => {
    expect(() => render('x.js', '// @if c\n// @end\n', [])).toThrow("x.js:1: unknown feature 'c'")
    expect(() => render('x.js', 'x\n// @if a\n', [])).toThrow('x.js:2: @if without its @end')
    expect(() => render('x.js', '// @end\n', [])).toThrow('x.js:1: @end without its @if')
    expect(() => render('x.js', '// @else\n', [])).toThrow('x.js:1: @else without its @if')
    expect(() => render('x.js', '// @if a\n// @else\nnot commented\n// @end\n', [])).toThrow(
      'x.js:3: an older line must be commented out'
    )
  })

  it('renders every file of ./demo-app with no marker left, for every step of the features', () => {
    expect(Object.keys(demoAppSources()).length).toBeGreaterThan(10)
    for (let n = 0; n <= DEMO_FEATURES.length; n++) {
      const files = demoFiles(new Set(DEMO_FEATURES.slice(0, n)))
      for (const [path, text] of Object.entries(files)) {
        expect(text, path).not.toMatch(/@(if|else|end)\b/)
      }
    }
  })

  it('makes the same demo history, byte for byte, as before the files became real', () => {
    // The fast-import stream of every commit of the demo (its trees, authors, dates). A change
    // here is a change to the demo's shas: bump DEMO_VERSION in demo.ts and update the hash.
    const sha = createHash('sha256').update(demoFastImportStream()).digest('hex')
    expect(sha).toBe('700f9c548648a0f7a75a19ea91cb07aacc5e2c4e41a5eba48deb48885e86e5e9')
  })
})
