import { useEffect, useState } from 'react'
import { useStores } from '../stores/hooks'
import { usePromotions } from '../stores/use-team'

/** A release's notes in Markdown (its tickets grouped by type), with a Copy button. */
export function ReleaseNotesPanel({ release }: { readonly release: string }): React.JSX.Element {
  const { promotions: store } = useStores()
  const notes = usePromotions((s) => (s.notes?.release === release ? s.notes : null))
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null)
  useEffect(() => void store.getState().loadNotes(release), [store, release])
  const markdown = notes?.markdown ?? null
  const copy = (): void => {
    if (markdown === null) return
    navigator.clipboard.writeText(markdown).then(
      () => setCopied('yes'),
      () => setCopied('failed')
    )
  }
  return (
    <section
      className="release-notes"
      aria-label={`Release notes of ${release}`}
      data-testid="release-notes"
    >
      {notes?.error && <p className="form-error">{notes.error.message}</p>}
      {markdown === null && !notes?.error && <p className="muted">Reading the release notes…</p>}
      {markdown !== null && <pre className="build-log">{markdown}</pre>}
      <p>
        <button type="button" onClick={copy} disabled={markdown === null} data-testid="notes-copy">
          Copy Markdown
        </button>{' '}
        <span role="status" className="muted">
          {copied === 'yes'
            ? 'Copied.'
            : copied === 'failed'
              ? 'The clipboard refused; select the text and copy it.'
              : ''}
        </span>
      </p>
    </section>
  )
}
