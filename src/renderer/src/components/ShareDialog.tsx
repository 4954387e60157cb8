import { useState } from 'react'
import { useStore } from 'zustand'
import { formatAbsolute } from '../lib/format'
import { useStores } from '../stores/hooks'
import { DeployModal } from './DeployModal'
import '../styles/share.css'

/**
 * "Share read-only…": starts a read-only viewer of this workspace (presentation mode, live,
 * nothing that changes anything) on a link of its own, shows it with Copy, and stops it.
 */
export function ShareDialog(): React.JSX.Element | null {
  const store = useStores().viewerShare
  const open = useStore(store, (s) => s.dialogOpen)
  const share = useStore(store, (s) => s.link)
  const pending = useStore(store, (s) => s.pending)
  const error = useStore(store, (s) => s.error)
  const [network, setNetwork] = useState(false)
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null)
  if (!open) return null
  const { close } = store.getState()
  const copy = (url: string): void => {
    navigator.clipboard.writeText(url).then(
      () => setCopied('yes'),
      () => setCopied('failed')
    )
  }
  return (
    <DeployModal title="Share a read-only view" testId="share-dialog" onClose={close}>
      <div className="modal-body share-body">
        <p>
          Anyone with the link sees presentation mode live: branches, tests, releases, environments
          and deployments in progress. The server refuses everything that changes something, and
          viewers get no logs and no <code>env</code> values.
        </p>
        {pending === 'load' && <p className="muted">Reading…</p>}
        {share && (
          <>
            <label className="field">
              <span>
                {share.onNetwork
                  ? 'Link for other machines (listening on every address)'
                  : 'Link (this machine only)'}
              </span>
              <input
                type="text"
                readOnly
                value={share.url}
                data-testid="share-url"
                onFocus={(e) => e.currentTarget.select()}
              />
            </label>
            <p className="muted">
              Shared since {formatAbsolute(share.startedAt)}.{' '}
              <span role="status">
                {copied === 'yes'
                  ? 'Copied.'
                  : copied === 'failed'
                    ? 'The clipboard refused; select the link and copy it.'
                    : ''}
              </span>
            </p>
          </>
        )}
        {pending !== 'load' && (
          <label className="share-network">
            <input
              type="checkbox"
              checked={share ? share.onNetwork : network}
              disabled={pending !== null}
              data-testid="share-network"
              onChange={(e) => {
                setNetwork(e.target.checked)
                setCopied(null)
                // A running share moves to the other reach (a new link).
                if (share) void store.getState().share(e.target.checked)
              }}
            />
            <span>Let other machines open it (listens on every network address)</span>
          </label>
        )}
        {error && (
          <p className="form-error" role="alert">
            {error.message}
          </p>
        )}
        <footer className="modal-footer">
          {share ? (
            <>
              <button
                type="button"
                className="danger"
                disabled={pending !== null}
                onClick={() => void store.getState().stop()}
                data-testid="share-stop"
              >
                {pending === 'stop' ? 'Stopping…' : 'Stop sharing'}
              </button>
              <button type="button" onClick={() => copy(share.url)} data-testid="share-copy">
                Copy link
              </button>
            </>
          ) : (
            <button
              type="button"
              className="primary"
              disabled={pending !== null}
              onClick={() => void store.getState().share(network)}
              data-testid="share-start"
            >
              {pending === 'share' ? 'Starting…' : 'Start sharing'}
            </button>
          )}
          <button type="button" onClick={close}>
            Close
          </button>
        </footer>
      </div>
    </DeployModal>
  )
}
