import { X } from 'lucide-react'

/** The one close control of drawers, panels and dialogs: an X icon with a spoken name. */
export function CloseButton({
  label,
  onClick,
  title,
  ref
}: {
  readonly label: string
  readonly ref?: React.Ref<HTMLButtonElement>
  readonly onClick: () => void
  readonly title?: string
}): React.JSX.Element {
  return (
    <button
      ref={ref}
      type="button"
      className="icon-button ghost close-button"
      aria-label={label}
      title={title ?? label}
      onClick={onClick}
    >
      <X size={16} aria-hidden="true" />
    </button>
  )
}
