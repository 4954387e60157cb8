import { useStores } from '../stores/hooks'
import { usePromotions } from '../stores/use-team'

/** The lane's line about its newest open promotion: release, state and approvals; opens it. */
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
    <button
      type="button"
      className="env-running link-button"
      data-testid={`promotion-${environment}`}
      onClick={() => void store.getState().open(open.release, environment)}
    >
      Promotion of {open.release} from {open.from}: {state}
    </button>
  )
}
