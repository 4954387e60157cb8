const TABBABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])'

/**
 * Keeps Tab and Shift+Tab inside `box` (a modal dialog): from its last control Tab goes to its
 * first, and focus that escaped is brought back. Call from a keydown listener for Tab.
 */
export function keepTabInside(box: HTMLElement | null, e: KeyboardEvent): void {
  if (!box || e.key !== 'Tab') return
  const focusable = [...box.querySelectorAll<HTMLElement>(TABBABLE)]
  const first = focusable[0]
  const last = focusable.at(-1)
  if (!first || !last) {
    e.preventDefault()
    return
  }
  const active = document.activeElement
  if (e.shiftKey && (active === first || !box.contains(active))) {
    e.preventDefault()
    last.focus()
  } else if (!e.shiftKey && (active === last || !box.contains(active))) {
    e.preventDefault()
    first.focus()
  }
}
