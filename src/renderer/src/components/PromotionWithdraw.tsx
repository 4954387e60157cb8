import { useState } from 'react'
import type { Promotion } from '../../../shared/promotion-models'
import { withdrawBlockedWhy, type Me } from '../lib/promotion-actions'
import { useStores } from '../stores/hooks'
import { usePromotions } from '../stores/use-team'

/**
 * Withdraw: the requester ends their open promotion, with an optional reason that the change
 * ticket and the ledger keep. Anyone else sees the button off and why, in words.
 */
export function PromotionWithdraw({
  promotion,
  me
}: {
  readonly promotion: Promotion
  readonly me: Me
}): React.JSX.Element {
  const { promotions: store } = useStores()
  const pending = usePromotions((s) => s.pending)
  const [asking, setAsking] = useState(false)
  const [reason, setReason] = useState('')
  const why = withdrawBlockedWhy(promotion, me)
  if (!asking || why) {
    return (
      <div className="promote-withdraw">
        <button
          type="button"
          data-testid="promote-withdraw"
          disabled={pending !== null || why !== null}
          aria-describedby={why ? 'promote-withdraw-why' : undefined}
          onClick={() => setAsking(true)}
        >
          Withdraw…
        </button>
        {why && (
          <p className="muted" id="promote-withdraw-why" data-testid="promote-withdraw-why">
            {why}
          </p>
        )}
      </div>
    )
  }
  return (
    <section className="promote-withdraw" aria-label="Withdraw this promotion">
      <label className="field">
        <span>Why withdraw it? (optional; kept in the change ticket and the ledger)</span>
        <input
          type="text"
          value={reason}
          maxLength={500}
          autoFocus
          onChange={(e) => setReason(e.target.value)}
          data-testid="promote-withdraw-reason"
          placeholder="e.g. found a bug on staging"
        />
      </label>
      <div className="promote-withdraw-actions">
        <button type="button" onClick={() => setAsking(false)} disabled={pending !== null}>
          Keep it
        </button>
        <button
          type="button"
          className="danger"
          data-testid="promote-withdraw-confirm"
          disabled={pending !== null}
          onClick={() => void store.getState().cancel(reason)}
        >
          {pending === 'cancel' ? 'Withdrawing…' : `Withdraw the promotion of ${promotion.release}`}
        </button>
      </div>
    </section>
  )
}
