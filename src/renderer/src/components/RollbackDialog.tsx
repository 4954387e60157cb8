import { useState } from 'react'
import type { EnvironmentStatus } from '../../../shared'
import { DeployModal } from './DeployModal'

/** The release a rollback goes to by default: the previous one most hosts have. */
export function rollbackTarget(status: EnvironmentStatus | null | undefined): string | null {
  const previous = status?.hosts.map((h) => h.previous).find((p) => p !== null)
  return previous ?? null
}

/** Confirms a rollback, naming the release it makes current (or one picked among those present). */
export function RollbackDialog({
  environment,
  status,
  pending,
  error,
  onConfirm,
  onClose
}: {
  readonly environment: string
  readonly status: EnvironmentStatus | null
  readonly pending: boolean
  readonly error: string | null
  readonly onConfirm: (to: string | undefined) => void
  readonly onClose: () => void
}): React.JSX.Element {
  const fallback = rollbackTarget(status)
  const current = status?.hosts.find((h) => h.release)?.release ?? null
  const present = [...new Set(status?.hosts.flatMap((h) => h.releases) ?? [])]
    .filter((id) => id !== current)
    .sort()
    .reverse()
  const [to, setTo] = useState<string>(fallback ?? present[0] ?? '')
  const bad = new Set(status?.badReleases ?? [])
  return (
    <DeployModal title={`Roll back ${environment}`} testId="rollback-dialog" onClose={onClose}>
      <form
        className="modal-body"
        onSubmit={(e) => {
          e.preventDefault()
          if (to) onConfirm(to === fallback ? undefined : to)
        }}
      >
        <p>
          {environment} runs {current ? <code>{current}</code> : 'nothing'}. Rolling back makes{' '}
          <strong data-testid="rollback-target">{to || 'no release'}</strong> current on every host,
          one batch at a time with health checks, without uploading anything.
        </p>
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
