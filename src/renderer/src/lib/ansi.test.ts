import { describe, expect, it } from 'vitest'
import { PLAIN, parseAnsi, stripAnsi } from './ansi'

const ESC = '\x1b'

describe('parseAnsi', () => {
  it('leaves plain text as one unstyled span', () => {
    expect(parseAnsi('all good').spans).toEqual([{ text: 'all good', color: null, bold: false }])
    expect(parseAnsi('').spans).toEqual([])
  })

  it('reads foreground colours 30–37 and bright 90–97, bold and reset', () => {
    const { spans, end } = parseAnsi(
      `${ESC}[31mred${ESC}[0m plain ${ESC}[1;92mbold bright green${ESC}[22m thin${ESC}[39m default`
    )
    expect(spans).toEqual([
      { text: 'red', color: 'red', bold: false },
      { text: ' plain ', color: null, bold: false },
      { text: 'bold bright green', color: 'bright-green', bold: true },
      { text: ' thin', color: 'bright-green', bold: false },
      { text: ' default', color: null, bold: false }
    ])
    expect(end).toEqual(PLAIN)
  })

  it('treats ESC[m as a reset and carries the style into the next line', () => {
    const first = parseAnsi(`${ESC}[33;1mwarning: `)
    expect(first.end).toEqual({ color: 'yellow', bold: true })
    const second = parseAnsi(`still yellow${ESC}[m done`, first.end)
    expect(second.spans).toEqual([
      { text: 'still yellow', color: 'yellow', bold: true },
      { text: ' done', color: null, bold: false }
    ])
  })

  it('strips other escapes: cursor moves, erase, OSC titles, 256 colours, private modes', () => {
    const line = `${ESC}[2K${ESC}[1G${ESC}]0;title${ESC}\\${ESC}[?25l${ESC}[38;5;1mx${ESC}[48;2;1;2;3my${ESC}(Bz`
    const { spans } = parseAnsi(line)
    expect(spans.map((s) => s.text).join('')).toBe('xyz')
    // 38;5;1 is a 256-colour red, not "bold" (1) — and not one of the 16 colours shown.
    expect(spans.every((s) => !s.bold && s.color === null)).toBe(true)
  })

  it('drops control characters but keeps tabs; a carriage return overwrites the line start', () => {
    expect(parseAnsi('a\tb\x07c\x08').spans[0]?.text).toBe('a\tbc')
    expect(parseAnsi(`${ESC}[32m 10%\r 50%\r100%\r`).spans).toEqual([
      { text: '100%', color: 'green', bold: false }
    ])
  })
})

describe('stripAnsi', () => {
  it('keeps only the text', () => {
    expect(stripAnsi(`${ESC}[1;31mFAIL${ESC}[0m src/a.test.ts`)).toBe('FAIL src/a.test.ts')
  })
})
