import { useStores } from '../stores/hooks'

/** A ticket key, e.g. `ORD-123`, as a small chip; clicking it opens the ticket. */
export function TicketChip({ ticket }: { readonly ticket: string }): React.JSX.Element {
  const { tickets } = useStores()
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
