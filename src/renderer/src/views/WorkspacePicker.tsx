import { FolderSearch } from 'lucide-react'
import { useCallback, useRef, useState } from 'react'
import { useStore } from 'zustand'
import { FolderBrowser } from '../components/FolderBrowser'
import { formatAbsolute, formatRelative } from '../lib/format'
import { useNow } from '../lib/use-now'
import { useStores, useWorkspace } from '../stores/hooks'

/**
 * Choose a workspace: type a repository path, browse for it (the system's folder dialog in the
 * desktop app, the folders of the user's home under serve), pick a recent one, or open the demo.
 */
export function WorkspacePicker({ canCancel }: { readonly canCancel: boolean }): React.JSX.Element {
  const [path, setPath] = useState('')
  const recent = useWorkspace((s) => s.recent)
  const recentLoading = useWorkspace((s) => s.recentLoading)
  const pending = useWorkspace((s) => s.pending)
  const error = useWorkspace((s) => s.error)
  const open = useWorkspace((s) => s.open)
  const openDemo = useWorkspace((s) => s.openDemo)
  const hidePicker = useWorkspace((s) => s.hidePicker)
  const busy = pending === 'open' || pending === 'demo'
  const now = useNow(60_000)
  const { folders } = useStores()
  const browsing = useStore(folders, (s) => s.open)
  const browseRef = useRef<HTMLButtonElement>(null)
  const openPath = useCallback(
    (chosen: string) => {
      setPath(chosen)
      void open(chosen).then((opened) => {
        if (opened) folders.getState().close()
      })
    },
    [open, folders]
  )
  const browse = async (): Promise<void> => {
    // The system dialog starts at the folder typed, when one is typed in full.
    const chosen = await folders.getState().browse(path.startsWith('/') ? path : undefined)
    if (chosen) openPath(chosen)
  }
  const closeBrowser = (): void => {
    folders.getState().close()
    browseRef.current?.focus()
  }

  return (
    <main
      className="picker"
      data-testid="workspace-picker"
      aria-labelledby="picker-title"
      onKeyDown={(e) => {
        if (e.key === 'Escape' && canCancel && !busy) {
          e.preventDefault()
          hidePicker()
        }
      }}
    >
      <div className="picker-panel">
        <h1 id="picker-title">Open a workspace</h1>
        <p className="muted">
          A workspace is one git repository and its slipway.yml. Slipway reads branches, tickets and
          environments from it.
        </p>
        <form
          className="picker-form"
          onSubmit={(e) => {
            e.preventDefault()
            void open(path)
          }}
        >
          <label htmlFor="workspace-path">Repository path</label>
          <div className="picker-row">
            <input
              id="workspace-path"
              data-testid="workspace-path"
              type="text"
              autoFocus
              spellCheck={false}
              autoComplete="off"
              placeholder="/home/you/src/orders"
              value={path}
              onChange={(e) => setPath(e.target.value)}
              aria-invalid={error !== null && pending === null ? true : undefined}
              aria-describedby={error ? 'picker-error' : undefined}
            />
            <button type="submit" className="primary" disabled={busy}>
              {pending === 'open' ? 'Opening…' : 'Open'}
            </button>
            <button
              type="button"
              ref={browseRef}
              data-testid="browse-folders"
              aria-expanded={browsing}
              onClick={() => (browsing ? closeBrowser() : void browse())}
              disabled={busy}
            >
              <FolderSearch size={14} aria-hidden="true" />
              Browse…
            </button>
          </div>
        </form>
        {browsing && (
          <FolderBrowser onOpen={openPath} onHighlight={setPath} onClose={closeBrowser} />
        )}
        {error && (
          <p id="picker-error" className="inline-error" role="alert">
            {error.message}
          </p>
        )}
        <div className="picker-actions">
          <button type="button" onClick={() => void openDemo()} disabled={busy}>
            {pending === 'demo' ? 'Opening the demo…' : 'Open demo workspace'}
          </button>
          {canCancel && (
            <button type="button" onClick={hidePicker} disabled={busy}>
              Back to the board
            </button>
          )}
        </div>
        <section aria-labelledby="recent-title" className="recent">
          <h2 id="recent-title">Recent workspaces</h2>
          {recent.length === 0 ? (
            <p className="muted">{recentLoading ? 'Loading…' : 'None yet.'}</p>
          ) : (
            <ul className="recent-list">
              {recent.map((r) => (
                <li key={r.path}>
                  <button
                    type="button"
                    className="recent-item"
                    onClick={() => void open(r.path)}
                    disabled={busy}
                    title={`Open ${r.path}`}
                  >
                    <span className="recent-name">{r.name}</span>
                    <span className="recent-path">{r.path}</span>
                    <time
                      className="recent-date"
                      dateTime={r.openedAt}
                      title={`Opened ${formatAbsolute(r.openedAt)}`}
                    >
                      {formatRelative(r.openedAt, now)}
                    </time>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </main>
  )
}
