/** A ticket key, e.g. `ORD-123`, as a small chip. */
export function TicketChip({ ticket }: { readonly ticket: string }): React.JSX.Element {
  return (
    <span className="ticket-chip" data-testid="ticket-chip" title={`Ticket ${ticket}`}>
      {ticket}
    </span>
  )
}
