import { useState } from 'react'
import type { EnvironmentStatus } from '../../../shared'
import { DeployModal } from './DeployModal'
import { LockNotice } from './LockNotice'
import { useNow } from '../lib/use-now'

/** The release a rollback goes to by default: the previous one most hosts have. */
export function rollbackTarget(status: EnvironmentStatus | null | undefined): string | null {
  const previous = status?.hosts.map((h) => h.previous).find((p) => p !== null)
  return previous ?? null
}

/** Confirms a rollback, naming the release it makes current (or one picked among those present). */
export function RollbackDialog({
  environment,
  status,
  initial,
  pending,
  error,
  onConfirm,
  onClose
}: {
  readonly environment: string
  readonly status: EnvironmentStatus | null
  /** The release picked in the history, when the dialog was opened from there. */
  readonly initial?: string
  readonly pending: boolean
  readonly error: string | null
  readonly onConfirm: (to: string | undefined, reason: string) => void
  readonly onClose: () => void
}): React.JSX.Element {
  const fallback = rollbackTarget(status)
  const current = status?.hosts.find((h) => h.release)?.release ?? null
  const present = [...new Set(status?.hosts.flatMap((h) => h.releases) ?? [])]
    .filter((id) => id !== current)
    .sort()
    .reverse()
  const [to, setTo] = useState<string>(
    initial && present.includes(initial) ? initial : (fallback ?? present[0] ?? '')
  )
  const [reason, setReason] = useState('')
  const bad = new Set(status?.badReleases ?? [])
  const now = useNow(30_000)
  return (
    <DeployModal title={`Roll back ${environment}`} testId="rollback-dialog" onClose={onClose}>
      <form
        className="modal-body"
        onSubmit={(e) => {
          e.preventDefault()
          if (to) onConfirm(to === fallback ? undefined : to, reason)
        }}
      >
        <p>
          {environment} runs {current ? <code>{current}</code> : 'nothing'}. Rolling back makes{' '}
          <strong data-testid="rollback-target">{to || 'no release'}</strong> current on every host,
          one batch at a time with health checks, without uploading anything.
        </p>
        {status && <LockNotice status={status} now={now} />}
        {present.length > 1 && (
          <label className="field">
            <span>Release to make current</span>
            <select value={to} onChange={(e) => setTo(e.target.value)}>
              {present.map((id) => (
                <option key={id} value={id}>
                  {id}
                  {id === fallback ? ' (previous)' : ''}
                  {bad.has(id) ? ' (marked bad)' : ''}
                </option>
              ))}
            </select>
          </label>
        )}
        <label className="field">
          <span>Reason (kept in the hosts' history)</span>
          <input
            type="text"
            value={reason}
            maxLength={500}
            onChange={(e) => setReason(e.target.value)}
            placeholder="e.g. ORD-150 totals wrong after the deploy"
            data-testid="rollback-reason"
          />
        </label>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <footer className="modal-footer">
          <button type="button" onClick={onClose}>
            Keep {current ?? 'it'}
          </button>
          <button
            type="submit"
            className="danger"
            disabled={!to || pending}
            data-testid="rollback-confirm"
          >
            {pending ? 'Starting…' : `Roll back to ${to || '…'}`}
          </button>
        </footer>
      </form>
    </DeployModal>
  )
}
