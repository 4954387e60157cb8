import { useEffect, useId, useRef } from 'react'
import { CloseButton } from './ui/CloseButton'
import { keepTabInside } from '../lib/focus-trap'

// Open modals, oldest first. A dialog opened over another (a ticket over the tickets view)
// takes the keyboard: only the topmost keeps Tab inside and closes on Escape.
const openModals: HTMLElement[] = []
const isTopmost = (box: HTMLElement | null): boolean => box !== null && openModals.at(-1) === box

/**
 * Only the topmost dialog shows: those under it are hidden (`.modal-covered`, visibility
 * hidden) until it closes, so a shorter dialog over a taller one does not look like one dialog
 * with the lower one's end (its release notes, its buttons) hanging out below it.
 */
function markCovered(): void {
  openModals.forEach((box, i) =>
    box.parentElement?.classList.toggle('modal-covered', i < openModals.length - 1)
  )
}

/**
 * A modal dialog for the deploy domain: labelled by its title, focus moved inside on open and
 * given back on close, Escape closes it (unless `onClose` is omitted, for steps that must end).
 */
export function DeployModal({
  title,
  testId,
  onClose,
  children,
  wide = false,
  className
}: {
  readonly title: string
  readonly testId: string
  readonly onClose?: () => void
  readonly children: React.ReactNode
  readonly wide?: boolean
  /** A class of the view's own (a size beyond `wide`, say). */
  readonly className?: string
}): React.JSX.Element {
  const titleId = useId()
  const ref = useRef<HTMLDivElement>(null)
  useEffect(() => {
    const before = document.activeElement
    const box = ref.current
    if (box) openModals.push(box)
    markCovered()
    const first = box?.querySelector<HTMLElement>(
      '[autofocus], input, select, textarea, button:not([disabled])'
    )
    ;(first ?? box)?.focus()
    return () => {
      const at = box ? openModals.lastIndexOf(box) : -1
      if (at >= 0) openModals.splice(at, 1)
      // Shown again before focus goes back into it (a hidden element cannot take focus).
      markCovered()
      if (before instanceof HTMLElement && before.isConnected) before.focus()
    }
  }, [])
  // Tab and Shift+Tab cycle inside the dialog: the board behind it is not reachable.
  const keepFocusInside = (e: KeyboardEvent): void => {
    if (isTopmost(ref.current)) keepTabInside(ref.current, e)
  }
  useEffect(() => {
    const onTab = (e: KeyboardEvent): void => {
      if (e.key === 'Tab' && !onClose) keepFocusInside(e)
    }
    document.addEventListener('keydown', onTab, true)
    return () => document.removeEventListener('keydown', onTab, true)
  })
  useEffect(() => {
    if (!onClose) return
    const onKeyDown = (e: KeyboardEvent): void => {
      if (e.key === 'Tab') {
        keepFocusInside(e)
        return
      }
      if (e.key !== 'Escape' || !isTopmost(ref.current)) return
      e.preventDefault()
      // Immediate: the dialog below listens on document too, and once this one has closed
      // (React may re-render between two listeners of one event) it is the topmost.
      e.stopImmediatePropagation()
      onClose()
    }
    document.addEventListener('keydown', onKeyDown, true)
    return () => document.removeEventListener('keydown', onKeyDown, true)
  }, [onClose])
  return (
    <div className="modal-backdrop">
      <div
        ref={ref}
        className={['modal', wide ? 'wide' : '', className ?? ''].filter(Boolean).join(' ')}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        data-testid={testId}
        tabIndex={-1}
      >
        <header className="modal-header">
          <h2 id={titleId}>{title}</h2>
          {onClose && <CloseButton label="Close" title="Close (Escape)" onClick={onClose} />}
        </header>
        {children}
      </div>
    </div>
  )
}
