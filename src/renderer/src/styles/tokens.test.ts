import { describe, expect, it } from 'vitest'
import css from './tokens.css?raw'

// The design tokens as the browser reads them: the light :root block, then the dark block
// overriding it. Every text colour is checked on every surface it is drawn on (WCAG AA).

function declarations(block: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const m of block.matchAll(/(--[a-z0-9-]+)\s*:\s*([^;]+);/g)) out.set(m[1], m[2].trim())
  return out
}

function scheme(dark: boolean): Map<string, string> {
  const darkAt = css.indexOf('@media (prefers-color-scheme: dark)')
  const light = declarations(css.slice(0, darkAt))
  if (!dark) return light
  return new Map([...light, ...declarations(css.slice(darkAt))])
}

function resolve(tokens: Map<string, string>, name: string): string {
  let value = tokens.get(name)
  for (let i = 0; value?.startsWith('var('); i++) {
    if (i > 5) throw new Error(`${name}: alias loop`)
    value = tokens.get(value.slice(4, -1).trim())
  }
  if (!value || !/^#[0-9a-f]{6}$/i.test(value)) throw new Error(`${name} is not a #rrggbb colour`)
  return value
}

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
  })
  return 0.2126 * r + 0.7152 * g + 0.0722 * b
}

/** WCAG 2 contrast ratio between two colours. */
function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x)
  return (hi + 0.05) / (lo + 0.05)
}

const SURFACES = ['--bg', '--bg-lane', '--surface', '--surface-hover', '--surface-selected']
/** Each text colour and the backgrounds it is drawn on. */
const PAIRS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['--text', SURFACES],
  ['--text-muted', SURFACES],
  ['--text-faint', SURFACES],
  ['--link', SURFACES],
  ['--accent-text', ['--accent', '--accent-hover']],
  ['--danger-text', ['--danger', '--danger-hover']],
  ['--success', [...SURFACES, '--success-bg']],
  ['--danger', [...SURFACES, '--danger-bg']],
  ['--warning', [...SURFACES, '--warning-bg']],
  ['--info', [...SURFACES, '--info-bg']],
  ['--neutral', SURFACES],
  ['--text', ['--info-bg', '--warning-bg', '--success-bg', '--danger-bg']],
  ['--ahead', SURFACES],
  ['--behind', SURFACES],
  ['--chip-text', ['--chip-bg']],
  ['--log-text', ['--log-bg', '--log-match', '--log-match-current']],
  ['--log-muted', ['--log-bg']],
  ...['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white'].flatMap((c) => [
    [`--ansi-${c}`, ['--log-bg']] as const,
    [`--ansi-bright-${c}`, ['--log-bg']] as const
  ])
]

describe.each([
  ['light', false],
  ['dark', true]
])('design tokens in %s', (_name, dark) => {
  const tokens = scheme(dark)
  it.each(PAIRS.flatMap(([fg, bgs]) => bgs.map((bg) => [fg, bg] as const)))(
    '%s on %s is at least 4.5:1',
    (fg, bg) => {
      const ratio = contrast(resolve(tokens, fg), resolve(tokens, bg))
      expect(ratio, `${fg} on ${bg}: ${ratio.toFixed(2)}:1`).toBeGreaterThanOrEqual(4.5)
    }
  )
})

describe('the check itself', () => {
  it('measures what WCAG publishes: black on white is 21:1, the old "Read just now" 2.9:1', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5)
    expect(contrast('#8a93a3', '#eceef2')).toBeLessThan(3)
  })
})
