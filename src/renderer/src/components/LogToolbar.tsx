import { ChevronDown, ChevronUp, Copy, Download, OctagonX, Pause, Play, Search } from 'lucide-react'
import { forwardRef, useId, useState } from 'react'
import { visibleText } from '../../../shared/log-match'
import { plural } from '../lib/format'
import { saveTextFile } from '../lib/save-file'
import { searchStatus, type LogSearchState } from '../lib/use-log-search'

/** What the toolbar does with the log besides searching it. */
export interface LogToolbarProps {
  readonly search: LogSearchState
  readonly onText: (text: string) => void
  readonly onStep: (by: 1 | -1) => void
  readonly onFirstFailure: () => void
  readonly following: boolean
  readonly onFollow: (follow: boolean) => void
  /** The whole log (read in windows when it is stored), for Copy and Download. */
  readonly readAll: () => Promise<string>
  readonly fileName: string
}

/** The whole log as shown: escape codes left out, one line per line. */
function shownText(raw: string): string {
  return raw.split('\n').map(visibleText).join('\n')
}

/**
 * Search across the whole log (Enter / Shift+Enter for next and previous), jump to the first
 * failing line, follow or pause the live end, copy and download the log. Every control is a
 * button or a field in tab order; the status line says what happened, for screen readers too.
 */
export const LogToolbar = forwardRef<HTMLInputElement, LogToolbarProps>(
  function LogToolbar(props, searchRef): React.JSX.Element {
    const { search, onText, onStep, onFirstFailure, following, onFollow, readAll, fileName } = props
    // What Copy or Download said, shown until the search moves on (a newer state).
    const [said, setSaid] = useState<{ text: string; at: LogSearchState } | null>(null)
    const statusId = useId()
    const hits = search.result?.hits.length ?? 0
    const note = said && said.at === search ? said.text : ''
    const status = note || searchStatus(search)
    const setNote = (text: string): void => setSaid({ text, at: search })

    const copy = (): void => {
      setNote('Reading the whole log…')
      readAll()
        .then(async (raw) => {
          const text = shownText(raw)
          await navigator.clipboard.writeText(text)
          setNote(`Copied the whole log (${plural(text.split('\n').length, 'line')})`)
        })
        .catch((err: unknown) => setNote(copyFailure(err)))
    }
    const download = (): void => {
      setNote('Reading the whole log…')
      readAll()
        .then((raw) => {
          saveTextFile({ name: fileName, type: 'text/plain', text: shownText(raw) })
          setNote(`Saved as ${fileName}`)
        })
        .catch((err: unknown) => setNote(err instanceof Error ? err.message : String(err)))
    }

    return (
      <div className="log-toolbar" role="group" aria-label="Log tools">
        <label className="log-search">
          <Search size={14} aria-hidden="true" />
          <input
            ref={searchRef}
            type="search"
            value={search.text}
            placeholder="Search the whole log"
            aria-label="Search the whole log"
            aria-describedby={statusId}
            data-testid="log-search"
            onChange={(e) => onText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key !== 'Enter') return
              e.preventDefault()
              onStep(e.shiftKey ? -1 : 1)
            }}
          />
        </label>
        <button
          type="button"
          className="icon-button"
          aria-label="Previous match"
          title="Previous match (Shift+Enter, Shift+F3)"
          disabled={hits === 0}
          onClick={() => onStep(-1)}
        >
          <ChevronUp size={14} aria-hidden="true" />
        </button>
        <button
          type="button"
          className="icon-button"
          aria-label="Next match"
          title="Next match (Enter, F3)"
          disabled={hits === 0}
          onClick={() => onStep(1)}
        >
          <ChevronDown size={14} aria-hidden="true" />
        </button>
        <span className="log-status" id={statusId} role="status" data-testid="log-status">
          {status}
        </span>
        <button
          type="button"
          className="icon-button"
          onClick={onFirstFailure}
          title="Jump to the first line that says something failed; then Enter for the next one"
          data-testid="log-first-failure"
        >
          <OctagonX size={14} aria-hidden="true" /> First failure
        </button>
        <button
          type="button"
          className="icon-button"
          aria-pressed={following}
          onClick={() => onFollow(!following)}
          title={following ? 'Pause: stay here while output arrives' : 'Follow the end of the log'}
          data-testid="log-follow"
        >
          {following ? (
            <Pause size={14} aria-hidden="true" />
          ) : (
            <Play size={14} aria-hidden="true" />
          )}{' '}
          Follow
        </button>
        <button type="button" className="icon-button" onClick={copy} data-testid="log-copy">
          <Copy size={14} aria-hidden="true" /> Copy
        </button>
        <button type="button" className="icon-button" onClick={download} data-testid="log-download">
          <Download size={14} aria-hidden="true" /> Download
        </button>
      </div>
    )
  }
)

function copyFailure(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err)
  // The clipboard API's refusal (no permission, not focused) says nothing useful to a user.
  if (err instanceof DOMException || /clipboard|permission|focus/i.test(message)) {
    return 'The clipboard refused; use Download instead.'
  }
  return message
}
