/** The 16 colours of SGR 30–37 / 90–97 as names the CSS knows (`ansi-red`, `ansi-bright-red`). */
export type AnsiColor =
  | 'black'
  | 'red'
  | 'green'
  | 'yellow'
  | 'blue'
  | 'magenta'
  | 'cyan'
  | 'white'
  | 'bright-black'
  | 'bright-red'
  | 'bright-green'
  | 'bright-yellow'
  | 'bright-blue'
  | 'bright-magenta'
  | 'bright-cyan'
  | 'bright-white'

/** A run of text with one style. */
export interface AnsiSpan {
  readonly text: string
  readonly color: AnsiColor | null
  readonly bold: boolean
}

/** The style in effect at the end of a line, carried into the next one. */
export interface AnsiStyle {
  readonly color: AnsiColor | null
  readonly bold: boolean
}

/** No colour, not bold. */
export const PLAIN: AnsiStyle = { color: null, bold: false }

const BASE: readonly AnsiColor[] = [
  'black',
  'red',
  'green',
  'yellow',
  'blue',
  'magenta',
  'cyan',
  'white'
]

// CSI sequences (ESC [ params final), OSC sequences (ESC ] … BEL or ESC \), and any other
// escape (ESC, intermediates, final: `ESC ( B`, `ESC 7`). Only SGR (final byte `m`) changes the style; the rest is dropped.
// eslint-disable-next-line no-control-regex
const ESCAPE = /\x1b\[([0-?]*)[ -/]*([@-~])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[ -/]*[0-~]?/g
// Other C0 controls a terminal would act on (carriage return, backspace…), except tab.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f]/g

/**
 * Splits one line of terminal output into styled spans: SGR 30–37 and 90–97 (foreground),
 * 39 (default colour), 1 (bold), 22 (normal weight) and 0 or empty (reset); every other
 * escape sequence and control character is stripped. `start` is the style the line begins in.
 */
export function parseAnsi(
  line: string,
  start: AnsiStyle = PLAIN
): { readonly spans: readonly AnsiSpan[]; readonly end: AnsiStyle } {
  const spans: AnsiSpan[] = []
  let style = start
  let last = 0
  // A carriage return inside a line (progress bars) overwrites what came before it, as on a
  // terminal; styles set before it still apply.
  const visibleFrom = line.replace(/\r+$/, '').lastIndexOf('\r') + 1
  const push = (text: string, at: number): void => {
    const from = Math.max(0, visibleFrom - at)
    const clean = text.slice(from).replace(CONTROL, '')
    if (clean === '') return
    const prev = spans[spans.length - 1]
    if (prev && prev.color === style.color && prev.bold === style.bold) {
      spans[spans.length - 1] = { ...prev, text: prev.text + clean }
    } else {
      spans.push({ text: clean, color: style.color, bold: style.bold })
    }
  }
  ESCAPE.lastIndex = 0
  for (let m = ESCAPE.exec(line); m !== null; m = ESCAPE.exec(line)) {
    push(line.slice(last, m.index), last)
    last = m.index + m[0].length
    if (m[2] === 'm') style = applySgr(style, m[1] ?? '')
  }
  push(line.slice(last), last)
  return { spans, end: style }
}

function applySgr(style: AnsiStyle, params: string): AnsiStyle {
  if (params.includes('?')) return style
  const codes = params === '' ? [0] : params.split(';').map((p) => (p === '' ? 0 : Number(p)))
  let { color, bold } = style
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i] as number
    if (code === 0) {
      color = null
      bold = false
    } else if (code === 1) bold = true
    else if (code === 22) bold = false
    else if (code >= 30 && code <= 37) color = BASE[code - 30] as AnsiColor
    else if (code >= 90 && code <= 97) color = `bright-${BASE[code - 90] as string}` as AnsiColor
    else if (code === 39) color = null
    else if (code === 38 || code === 48) {
      // 256-colour and true-colour arguments are not shown; skip them so they are not read as
      // codes of their own (38;5;1 is not "bold").
      i += codes[i + 1] === 5 ? 2 : codes[i + 1] === 2 ? 4 : 0
    }
  }
  return { color, bold }
}

/** Strips every escape sequence and control character (for titles and plain copies). */
export function stripAnsi(text: string): string {
  return text.replace(ESCAPE, '').replace(CONTROL, '')
}
