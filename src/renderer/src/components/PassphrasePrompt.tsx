import { useState } from 'react'
import type { DeployPrompt } from '../stores/deploy-store'
import { DeployModal } from './DeployModal'

/** Asks for an encrypted key's passphrase; Slipway keeps it in memory only, for this session. */
export function PassphrasePrompt({
  prompt,
  pending,
  error,
  onSubmit,
  onCancel
}: {
  readonly prompt: Extract<DeployPrompt, { kind: 'passphrase' }>
  readonly pending: boolean
  readonly error: string | null
  readonly onSubmit: (passphrase: string) => void
  readonly onCancel: () => void
}): React.JSX.Element {
  const [passphrase, setPassphrase] = useState('')
  return (
    <DeployModal title="Passphrase needed" testId="passphrase-prompt" onClose={onCancel}>
      <form
        className="modal-body"
        onSubmit={(e) => {
          e.preventDefault()
          if (passphrase) onSubmit(passphrase)
        }}
      >
        <p>
          The key <code>{prompt.keyFile}</code> is encrypted. Its passphrase stays in this
          Slipway&apos;s memory until it quits; it is never written anywhere.
        </p>
        {prompt.message.startsWith('wrong passphrase') && (
          <p className="form-error" role="alert">
            That passphrase did not unlock the key; try again.
          </p>
        )}
        <label className="field">
          <span>Passphrase</span>
          <input
            type="password"
            autoComplete="off"
            value={passphrase}
            onChange={(e) => setPassphrase(e.target.value)}
            data-testid="passphrase-input"
          />
        </label>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <footer className="modal-footer">
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={!passphrase || pending}>
            Unlock and continue
          </button>
        </footer>
      </form>
    </DeployModal>
  )
}
