import { useStores } from '../stores/hooks'
import { usePromotions } from '../stores/use-team'
import { TicketChip } from './TicketChip'

/**
 * The lane's line about its newest open promotion: release, state and approvals (opens it),
 * and its change ticket (opens the ticket).
 */
export function PromotionNote({
  environment
}: {
  readonly environment: string
}): React.JSX.Element | null {
  const { promotions: store } = useStores()
  const open = usePromotions((s) =>
    s.promotions.find((p) => p.to === environment && p.state !== 'ended')
  )
  if (!open) return null
  const state =
    open.state === 'approved'
      ? 'approved, ready to deploy'
      : `waiting: ${open.approved} of ${open.required} approvals`
  return (
    <div className="promotion-note">
      <button
        type="button"
        className="env-running link-button"
        data-testid={`promotion-${environment}`}
        onClick={() => void store.getState().open(open.release, environment)}
      >
        Promotion of {open.release} from {open.from}: {state}
      </button>
      {open.changeTicket && (
        <span className="env-facts" data-testid={`promotion-change-${environment}`}>
          change ticket <TicketChip ticket={open.changeTicket} />
        </span>
      )}
    </div>
  )
}
