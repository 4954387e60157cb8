import type { CommandDiffLine, TrustedCommand } from '../../../shared'
import { useStores } from '../stores/hooks'
import { useStore } from 'zustand'
import { DeployModal } from './DeployModal'
import '../styles/trust.css'

const MARK: Record<CommandDiffLine['kind'], string> = { added: '+', removed: '−', same: ' ' }
const SAID: Record<CommandDiffLine['kind'], string> = {
  added: 'added',
  removed: 'removed',
  same: 'unchanged'
}

function CommandList({ commands }: { readonly commands: readonly TrustedCommand[] }) {
  return (
    <ul className="trust-commands" aria-label="Commands in slipway.yml">
      {commands.map((c) => (
        <li key={`${c.key}\0${c.command}`}>
          <span className="trust-key">{c.key}</span>
          <pre>
            <code>{c.command}</code>
          </pre>
        </li>
      ))}
    </ul>
  )
}

function CommandDiff({ lines }: { readonly lines: readonly CommandDiffLine[] }) {
  return (
    <ul className="trust-commands diff" aria-label="What changed in the commands">
      {lines.map((l) => (
        <li key={`${l.kind}\0${l.key}\0${l.command}`} className={`trust-${l.kind}`}>
          <span className="trust-key">
            <span aria-hidden="true" className="trust-mark">
              {MARK[l.kind]}
            </span>{' '}
            {l.key} <span className="visually-hidden">({SAID[l.kind]})</span>
          </span>
          <pre>
            <code>{l.command}</code>
          </pre>
        </li>
      ))}
    </ul>
  )
}

/**
 * Asks before a workspace runs anything: shows every command of its slipway.yml (or, when
 * they changed since they were trusted, the difference) and trusts exactly those on "Trust
 * and run". "Not now" keeps the board read-only.
 */
export function TrustDialog(): React.JSX.Element | null {
  const { trust } = useStores()
  const status = useStore(trust, (s) => s.status)
  const open = useStore(trust, (s) => s.dialogOpen)
  const granting = useStore(trust, (s) => s.granting)
  const error = useStore(trust, (s) => s.error)
  if (!open || !status) return null
  const changed = status.state === 'changed'
  return (
    <DeployModal
      title={changed ? 'The commands of this workspace changed' : 'Trust this workspace?'}
      testId="trust-dialog"
      onClose={() => trust.getState().dismiss()}
      wide
    >
      <div className="modal-body">
        {changed ? (
          <p>
            Since you trusted <code>{status.workspacePath}</code>, its <code>slipway.yml</code>{' '}
            changed these commands. Slipway runs none of them until you have looked at the change.
          </p>
        ) : (
          <p>
            <code>{status.workspacePath}</code> has a <code>slipway.yml</code> that makes Slipway
            run these commands on this computer, as you: to test every branch, build releases and
            deploy. Anyone who can push to this repository can change them. Until you trust them,
            Slipway runs nothing here and the board is read-only.
          </p>
        )}
        {changed ? <CommandDiff lines={status.diff} /> : <CommandList commands={status.commands} />}
        <p className="muted">
          They run without your SSH agent, tokens or cloud credentials, in an empty HOME; they can
          still read your files (see <code>test.sandbox</code> in the README).
        </p>
        {error && (
          <p role="alert" className="form-error">
            {error.message}
          </p>
        )}
        <div className="modal-footer">
          <button type="button" onClick={() => trust.getState().dismiss()}>
            Not now
          </button>
          <button
            type="button"
            className="primary"
            disabled={granting}
            onClick={() => void trust.getState().grant()}
          >
            {granting ? 'Trusting…' : changed ? 'Trust the new commands' : 'Trust and run'}
          </button>
        </div>
      </div>
    </DeployModal>
  )
}
