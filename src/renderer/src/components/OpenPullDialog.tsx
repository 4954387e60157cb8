import { useState } from 'react'
import { useStores } from '../stores/hooks'
import { usePulls } from '../stores/use-team'
import { DeployModal } from './DeployModal'

/** Opens a pull request for a branch: a title and a description (both default from its ticket). */
export function OpenPullDialog(): React.JSX.Element | null {
  const { pulls: store } = useStores()
  const branch = usePulls((s) => s.composing)
  const pending = usePulls((s) => s.pending)
  const error = usePulls((s) => s.error)
  const [title, setTitle] = useState('')
  const [description, setDescription] = useState('')
  if (!branch) return null
  const actions = store.getState()
  return (
    <DeployModal
      title={`Open a pull request for ${branch}`}
      testId="open-pull-dialog"
      onClose={() => actions.cancelCompose()}
    >
      <form
        className="modal-body"
        onSubmit={(e) => {
          e.preventDefault()
          void actions.openPull(branch, title, description).then((ok) => {
            if (ok) {
              setTitle('')
              setDescription('')
            }
          })
        }}
      >
        <p className="muted">
          Left empty, the title and description come from the ticket in the branch name. Opening
          pushes the branch to origin, so others can fetch what they review.
        </p>
        <label className="field">
          <span>Title</span>
          <input
            value={title}
            data-testid="pull-title"
            placeholder="from the ticket"
            onChange={(e) => setTitle(e.target.value)}
          />
        </label>
        <label className="field">
          <span>Description</span>
          <textarea rows={4} value={description} onChange={(e) => setDescription(e.target.value)} />
        </label>
        {error && (
          <p className="form-error" role="alert">
            {error.message}
          </p>
        )}
        <footer className="modal-footer">
          <button type="button" onClick={() => actions.cancelCompose()}>
            Cancel
          </button>
          <button
            type="submit"
            className="primary"
            data-testid="pull-open"
            disabled={pending === 'open'}
          >
            {pending === 'open' ? 'Opening…' : 'Open pull request'}
          </button>
        </footer>
      </form>
    </DeployModal>
  )
}
