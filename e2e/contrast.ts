import type { Locator } from '@playwright/test'

/** An `rgb()`/`rgba()` colour as computed by the browser. */
function parse(color: string): [number, number, number, number] {
  const m = /rgba?\(([^)]+)\)/.exec(color)
  if (!m) throw new Error(`not an rgb colour: ${color}`)
  const [r, g, b, a = 1] = m[1]
    .split(/[,\s/]+/)
    .filter(Boolean)
    .map(Number)
  return [r, g, b, a]
}

function luminance([r, g, b]: readonly number[]): number {
  const lin = (v: number): number => {
    const c = v / 255
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
  }
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
}

/** The part of the page's DOM this file needs (e2e code is compiled without the DOM lib). */
interface Painted {
  getAnimations(): { finished: Promise<unknown> }[]
  ownerDocument: {
    defaultView: { getComputedStyle(el: unknown): { color: string; backgroundColor: string } }
  }
}

/**
 * The WCAG contrast of an element's text on its own background as the browser paints it now
 * (after hover, focus…). Transitions are finished first; a transparent background is refused,
 * since then the element's own colours say nothing.
 */
export async function textContrast(element: Locator): Promise<number> {
  const { color, background } = await element.evaluate(async (node) => {
    const el = node as unknown as Painted
    await Promise.all(el.getAnimations().map((a) => a.finished.catch(() => undefined)))
    const style = el.ownerDocument.defaultView.getComputedStyle(el)
    return { color: style.color, background: style.backgroundColor }
  })
  const fg = parse(color)
  const bg = parse(background)
  if (bg[3] < 1) throw new Error(`the element's background is not opaque: ${background}`)
  const [hi, lo] = [luminance(fg), luminance(bg)].sort((a, b) => b - a)
  return (hi + 0.05) / (lo + 0.05)
}
