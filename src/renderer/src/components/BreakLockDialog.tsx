import { useState } from 'react'
import type { Lock } from '../../../shared'
import { formatAbsolute } from '../lib/format'
import { DeployModal } from './DeployModal'

/** Breaking a lock needs a reason (3 characters or more); the hosts' logs record it. */
export function BreakLockDialog({
  environment,
  lock,
  pending,
  error,
  onConfirm,
  onClose
}: {
  readonly environment: string
  readonly lock: Lock | null
  readonly pending: boolean
  readonly error: string | null
  readonly onConfirm: (reason: string) => void
  readonly onClose: () => void
}): React.JSX.Element {
  // A lock left by a Slipway known to be gone comes with its reason filled in (still editable).
  const [reason, setReason] = useState(lock?.suggestedReason ?? '')
  const valid = reason.trim().length >= 3
  return (
    <DeployModal
      title={`Break the lock on ${environment}`}
      testId="break-lock-dialog"
      onClose={onClose}
    >
      <form
        className="modal-body"
        onSubmit={(e) => {
          e.preventDefault()
          if (valid && !pending) onConfirm(reason.trim())
        }}
      >
        {lock ? (
          <p>
            Held by <strong>{lock.holder}</strong> on {lock.machine} since{' '}
            {formatAbsolute(lock.since)}
            {lock.reason ? ` (${lock.reason})` : ''}; last sign of life{' '}
            {formatAbsolute(lock.heartbeatAt)}.
            {lock.holderGone
              ? ` It was left behind: ${lock.holderGone}.`
              : lock.stale
                ? ' It looks abandoned.'
                : ' It is NOT stale: its holder may still be deploying.'}
          </p>
        ) : (
          <p>No lock was read on this environment.</p>
        )}
        <label className="field">
          <span>Why break it (required)</span>
          <input
            type="text"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            data-testid="break-lock-reason"
            required
            minLength={3}
          />
        </label>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <footer className="modal-footer">
          <button type="button" onClick={onClose}>
            Leave it
          </button>
          <button
            type="submit"
            className="danger"
            disabled={!valid || pending}
            data-testid="break-lock-confirm"
          >
            Break lock
          </button>
        </footer>
      </form>
    </DeployModal>
  )
}
