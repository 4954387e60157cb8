import { useStores } from '../stores/hooks'

/**
 * A ticket key, e.g. `ORD-123`, as a small chip; clicking it opens the ticket. `asText` inside
 * another control (a branch card is a listbox option: no focusable content may nest in it, and
 * its drawer shows the same chips as buttons).
 */
export function TicketChip({
  ticket,
  asText = false
}: {
  readonly ticket: string
  readonly asText?: boolean
}): React.JSX.Element {
  const { tickets } = useStores()
  if (asText) {
    return (
      <span className="ticket-chip" data-testid="ticket-chip">
        {ticket}
      </span>
    )
  }
  return (
    <button
      type="button"
      className="ticket-chip ticket-chip-button"
      data-testid="ticket-chip"
      title={`Open ticket ${ticket}`}
      onClick={(e) => {
        // The chip sits on a branch card: opening the ticket must not also open the drawer.
        e.stopPropagation()
        void tickets.getState().openTicket(ticket)
      }}
      onKeyDown={(e) => {
        if (e.key === 'Enter') e.stopPropagation()
      }}
    >
      {ticket}
    </button>
  )
}
