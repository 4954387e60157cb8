import type { DeployPrompt } from '../stores/deploy-store'
import { DeployModal } from './DeployModal'

/** Shows an unknown host key's SHA256 fingerprint to accept or refuse; a changed key is refused. */
export function HostKeyPrompt({
  prompt,
  pending,
  onAccept,
  onRefuse
}: {
  readonly prompt: Extract<DeployPrompt, { kind: 'host-key' }>
  readonly pending: boolean
  readonly onAccept: () => void
  readonly onRefuse: () => void
}): React.JSX.Element {
  const where = prompt.port === 22 ? prompt.host : `[${prompt.host}]:${prompt.port}`
  return (
    <DeployModal
      title={prompt.changed ? 'Host key changed: refused' : 'Unknown host key'}
      testId="host-key-prompt"
      onClose={onRefuse}
    >
      <div className="modal-body">
        {prompt.changed ? (
          <p className="form-error" role="alert">
            The key {where} presents is not the one known for it. Someone may be intercepting the
            connection, or the host was reinstalled. Slipway will not connect; check with whoever
            runs the host and fix known_hosts.
          </p>
        ) : (
          <p>
            Slipway has never seen {where}. Compare this fingerprint with the one the host&apos;s
            administrator gives you (<code>ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub</code>) before
            accepting it.
          </p>
        )}
        <p className="fingerprint">
          <span className="muted">{prompt.keyType}</span>{' '}
          <code data-testid="host-key-fingerprint">{prompt.fingerprint}</code>
        </p>
        <footer className="modal-footer">
          <button type="button" onClick={onRefuse} data-testid="host-key-refuse">
            {prompt.changed ? 'Close' : 'Refuse'}
          </button>
          {!prompt.changed && (
            <button
              type="button"
              className="primary"
              onClick={onAccept}
              disabled={pending}
              data-testid="host-key-accept"
            >
              Accept and continue
            </button>
          )}
        </footer>
      </div>
    </DeployModal>
  )
}
