/**
 * The demo app's files are real files (src/main/services/workspace/demo-app/), written as their
 * newest version. Lines a feature adds sit between markers, in the file's own comment syntax:
 *
 *     // @if notes            # @if notes            <!-- @if notes -->
 *     …lines…                 …                      …
 *     // @else                # @else                <!-- @else -->
 *     // …older lines…        # …                    …
 *     // @end                 # @end                 <!-- @end -->
 *
 * A condition is one feature, or `!feature`. Blocks nest. Lines the newest version does not have
 * (an `@else`, or an `@if !feature`) are kept commented out (`// ` or `# ` before them, taken off
 * when rendered), so the file as stored is the newest version, valid and linted.
 */

type Marker = { readonly kind: 'if' | 'else' | 'end'; readonly condition: string }
interface Syntax {
  readonly marker: RegExp
  /** What a line the newest version does not have starts with (removed on rendering). */
  readonly dormant: string | null
}

const JS: Syntax = { marker: /^\s*\/\/ @(if|else|end)\b\s*(.*?)\s*$/, dormant: '//' }
const HASH: Syntax = { marker: /^\s*# @(if|else|end)\b\s*(.*?)\s*$/, dormant: '#' }
const HTML: Syntax = { marker: /^\s*<!-- @(if|else|end)\b\s*(.*?)\s*-->\s*$/, dormant: null }

function syntaxOf(path: string): Syntax {
  if (path.endsWith('.js')) return JS
  if (path.endsWith('.md')) return HTML
  if (path.endsWith('.sh') || path.endsWith('.yml')) return HASH
  throw new Error(`demo app: no marker syntax for ${path}`)
}

function markerOf(line: string, syntax: Syntax): Marker | null {
  const m = syntax.marker.exec(line)
  if (!m) return null
  return { kind: m[1] as Marker['kind'], condition: m[2] ?? '' }
}

interface Frame {
  readonly line: number
  /** The condition holds for the snapshot being rendered. */
  readonly holds: boolean
  /** The newest version (every feature) has this branch's lines. */
  readonly newest: boolean
  readonly parentShown: boolean
  readonly parentNewest: boolean
  inElse: boolean
}

/**
 * Renders the template `text` of `path` for a snapshot whose features answer `has`. Throws on a
 * malformed template (an unknown feature, an unclosed or stray marker, a dormant line without
 * its comment): a mistake in the repository's own files, found by the tests.
 */
export function renderDemoTemplate(
  path: string,
  text: string,
  has: (feature: string) => boolean,
  known: ReadonlySet<string>
): string {
  const syntax = syntaxOf(path)
  const out: string[] = []
  const stack: Frame[] = []
  const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n')
  const fail = (n: number, why: string): never => {
    throw new Error(`demo app: ${path}:${n}: ${why}`)
  }
  lines.forEach((line, i) => {
    const n = i + 1
    const top = stack.at(-1)
    const shown = top ? top.parentShown && (top.inElse ? !top.holds : top.holds) : true
    const newest = top ? top.parentNewest && (top.inElse ? !top.newest : top.newest) : true
    const marker = markerOf(line, syntax)
    if (marker?.kind === 'if') {
      const negated = marker.condition.startsWith('!')
      const feature = negated ? marker.condition.slice(1) : marker.condition
      if (!known.has(feature)) fail(n, `unknown feature '${feature}'`)
      const value = has(feature)
      stack.push({
        line: n,
        holds: negated ? !value : value,
        newest: !negated,
        parentShown: shown,
        parentNewest: newest,
        inElse: false
      })
      return
    }
    if (marker?.kind === 'else') {
      if (!top || top.inElse) fail(n, '@else without its @if')
      else top.inElse = true
      return
    }
    if (marker?.kind === 'end') {
      if (!stack.pop()) fail(n, '@end without its @if')
      return
    }
    if (!shown) return
    out.push(
      newest ? line : undormant(line, syntax, () => fail(n, 'an older line must be commented out'))
    )
  })
  const open = stack.at(-1)
  if (open) fail(open.line, '@if without its @end')
  return out.join('\n') + '\n'
}

function undormant(line: string, syntax: Syntax, fail: () => never): string {
  if (syntax.dormant === null) return line
  if (line === syntax.dormant) return ''
  if (line.startsWith(`${syntax.dormant} `)) return line.slice(syntax.dormant.length + 1)
  return fail()
}
