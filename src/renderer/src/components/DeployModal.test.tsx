import { cleanup, fireEvent, render, screen } from '@testing-library/react'
import { useState } from 'react'
import { afterEach, describe, expect, it } from 'vitest'
import { DeployModal } from './DeployModal'

/** A dialog (the promote dialog, say) with a button that opens another over it (a ticket). */
function Stacked(): React.JSX.Element {
  const [upper, setUpper] = useState(false)
  return (
    <>
      <DeployModal title="Promote" testId="lower" onClose={() => undefined}>
        <button type="button" onClick={() => setUpper(true)}>
          ORD-4
        </button>
        <pre>release notes</pre>
      </DeployModal>
      {upper && (
        <DeployModal title="ORD-4" testId="upper" onClose={() => setUpper(false)}>
          <p>What ships</p>
        </DeployModal>
      )}
    </>
  )
}

afterEach(cleanup)

describe('DeployModal stacked over another', () => {
  it('hides the dialog under it until it closes, then gives focus back inside it', () => {
    render(<Stacked />)
    const lowerBackdrop = (): HTMLElement =>
      screen.getByTestId('lower').parentElement as HTMLElement
    const chip = screen.getByRole('button', { name: 'ORD-4' })
    chip.focus()
    expect(lowerBackdrop().classList.contains('modal-covered')).toBe(false)

    fireEvent.click(chip)
    const upper = screen.getByTestId('upper')
    expect(lowerBackdrop().classList.contains('modal-covered')).toBe(true)
    expect((upper.parentElement as HTMLElement).classList.contains('modal-covered')).toBe(false)
    expect(upper.contains(document.activeElement)).toBe(true)

    // Escape closes the topmost only; the one under it shows again with focus where it was.
    fireEvent.keyDown(document.activeElement as Element, { key: 'Escape' })
    expect(screen.queryByTestId('upper')).toBeNull()
    expect(lowerBackdrop().classList.contains('modal-covered')).toBe(false)
    expect(document.activeElement).toBe(chip)
  })
})
