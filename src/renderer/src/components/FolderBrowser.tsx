import { Folder, FolderGit2, FolderUp } from 'lucide-react'
import { useEffect, useId, useRef } from 'react'
import { useStore } from 'zustand'
import { plural } from '../../../shared/plural'
import { useStores } from '../stores/hooks'
import '../styles/folders.css'

/** `path` with the home folder written `~`, as people read it. */
export function tildePath(path: string, home: string): string {
  if (path === home) return '~'
  return path.startsWith(`${home}/`) ? `~${path.slice(home.length)}` : path
}

/**
 * The workspace picker's folder browser (serve: the folders of the user's home, listed by the
 * server). Keyboard: ↑/↓ (Home/End) move, Enter opens a repository or goes into a folder,
 * → goes into any folder, Backspace (or ←) goes up, Escape closes. The highlighted folder's path
 * is handed to `onHighlight` (the picker's path field); `onOpen` opens a repository.
 */
export function FolderBrowser({
  onOpen,
  onHighlight,
  onClose
}: {
  readonly onOpen: (path: string) => void
  readonly onHighlight: (path: string) => void
  readonly onClose: () => void
}): React.JSX.Element {
  const { folders } = useStores()
  const listing = useStore(folders, (s) => s.listing)
  const loading = useStore(folders, (s) => s.loading)
  const error = useStore(folders, (s) => s.error)
  const showHidden = useStore(folders, (s) => s.showHidden)
  const active = useStore(folders, (s) => s.active)
  const listRef = useRef<HTMLDivElement>(null)
  const id = useId()
  const entries = listing?.entries ?? []
  const current = entries[active] ?? null
  const actions = folders.getState()

  useEffect(() => {
    listRef.current?.focus()
  }, [])
  useEffect(() => {
    if (current) onHighlight(current.path)
    document.getElementById(`${id}-${active}`)?.scrollIntoView?.({ block: 'nearest' })
  }, [current, onHighlight, id, active])

  const enter = (path: string): void => void actions.list(path)
  const onKeyDown = (e: React.KeyboardEvent): void => {
    if (e.altKey || e.ctrlKey || e.metaKey) return
    const moves: Record<string, number> = {
      ArrowDown: 1,
      ArrowUp: -1,
      PageDown: 10,
      PageUp: -10,
      Home: -Infinity,
      End: Infinity
    }
    const delta = moves[e.key]
    if (delta !== undefined) {
      e.preventDefault()
      actions.move(delta)
      return
    }
    switch (e.key) {
      case 'Enter':
        if (!current) return
        e.preventDefault()
        if (current.isRepository) onOpen(current.path)
        else enter(current.path)
        return
      case 'ArrowRight':
        if (!current) return
        e.preventDefault()
        enter(current.path)
        return
      case 'Backspace':
      case 'ArrowLeft':
        e.preventDefault()
        void actions.up()
        return
      case 'Escape':
        // Closes the browser only, not the picker around it.
        e.preventDefault()
        e.stopPropagation()
        onClose()
        return
    }
  }

  const where = listing ? tildePath(listing.path, listing.home) : '~'
  return (
    <section
      className="folder-browser"
      aria-labelledby={`${id}-title`}
      data-testid="folder-browser"
    >
      <div className="folder-browser-head">
        <h2 id={`${id}-title`}>Folders</h2>
        <code className="folder-where" data-testid="folder-where" title={listing?.path}>
          {where}
        </code>
        {listing?.isRepository && <span className="folder-repo-word">git repository</span>}
        <button
          type="button"
          className="folder-up"
          onClick={() => void actions.up()}
          disabled={!listing?.parent}
        >
          <FolderUp size={14} aria-hidden="true" />
          Up
        </button>
        <label className="folder-hidden-toggle">
          <input
            type="checkbox"
            checked={showHidden}
            data-testid="folder-show-hidden"
            onChange={(e) => void actions.setShowHidden(e.target.checked)}
          />
          Show hidden folders
        </label>
      </div>
      {error && (
        <p className="inline-error" role="alert" data-testid="folder-error">
          {error.message}
        </p>
      )}
      <div
        ref={listRef}
        role="listbox"
        tabIndex={0}
        className="folder-list"
        data-testid="folder-list"
        aria-label={`Folders in ${where}`}
        aria-busy={loading}
        aria-activedescendant={current ? `${id}-${active}` : undefined}
        onKeyDown={onKeyDown}
      >
        {entries.map((entry, i) => (
          <div
            key={entry.path}
            id={`${id}-${i}`}
            role="option"
            aria-selected={i === active}
            className="folder-item"
            data-testid="folder-item"
            data-name={entry.name}
            data-repository={entry.isRepository}
            onClick={() => actions.move(i - active)}
            onDoubleClick={() => (entry.isRepository ? onOpen(entry.path) : enter(entry.path))}
          >
            {entry.isRepository ? (
              <FolderGit2 size={16} aria-hidden="true" />
            ) : (
              <Folder size={16} aria-hidden="true" />
            )}
            <span className="folder-name">{entry.name}</span>
            {entry.isRepository && <span className="folder-repo-word">git repository</span>}
          </div>
        ))}
      </div>
      <p className="folder-status muted" role="status" data-testid="folder-status">
        {loading && !listing
          ? 'Reading…'
          : listing
            ? `${entries.length === 0 ? 'No folders' : plural(entries.length, 'folder')} in ${where}` +
              (listing.hiddenCount > 0
                ? `, ${plural(listing.hiddenCount, 'hidden one')} not shown`
                : '') +
              (listing.more > 0 ? `, ${listing.more.toLocaleString('en')} more not listed` : '') +
              '.'
            : ''}
      </p>
      <p className="folder-keys muted" id={`${id}-keys`}>
        ↑ ↓ choose · Enter opens a repository or goes into a folder · → goes into any folder ·
        Backspace goes up · Esc closes
      </p>
    </section>
  )
}
