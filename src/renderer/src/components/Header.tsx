import type { Workspace } from '../../../shared'
import { useWorkspace } from '../stores/hooks'
import { ConfigProblems } from './ConfigProblems'
import { QueueButton, QueuePanel } from './QueuePanel'
import { SyncIndicator } from './SyncIndicator'
import { useStores } from '../stores/hooks'
import { useNow } from '../lib/use-now'
import { useStore } from 'zustand'
import { FolderOpen, Presentation, ScrollText, Share2, TableProperties } from 'lucide-react'
import { ShareDialog } from './ShareDialog'

/** The workspace header: name, path, main branch, config source, and what needs attention. */
export function Header({
  workspace,
  onPresent,
  onOverview
}: {
  readonly workspace: Workspace
  readonly onPresent: () => void
  /** Opens the environment × release overview. */
  readonly onOverview: () => void
}): React.JSX.Element {
  const showPicker = useWorkspace((s) => s.showPicker)
  const writeStarterConfig = useWorkspace((s) => s.writeStarterConfig)
  const pending = useWorkspace((s) => s.pending)
  const error = useWorkspace((s) => s.error)
  const { tickets, ledger, viewerShare } = useStores()
  const sharing = useStore(viewerShare, (s) => s.link !== null)
  const now = useNow()
  const offerStarter =
    workspace.configSource === 'defaults' && workspace.configProblems.length === 0

  return (
    <header className="app-header">
      <div className="header-main">
        <div className="brand" aria-hidden="true">
          Slipway
        </div>
        <div className="workspace-id">
          <h1 className="workspace-name">
            {workspace.name}
            {workspace.isDemo && <span className="badge">demo</span>}
          </h1>
          <div className="workspace-path" title={workspace.path}>
            {workspace.path}
          </div>
        </div>
        <dl className="header-facts">
          <div>
            <dt>Main branch</dt>
            <dd>
              <code>{workspace.mainBranch}</code>
            </dd>
          </div>
          <div>
            <dt>Config</dt>
            <dd data-testid="config-source">
              {workspace.configSource === 'file' ? 'slipway.yml' : 'defaults'}
            </dd>
          </div>
        </dl>
        <SyncIndicator now={now} />
        {/* One group that wraps onto a second row when the window is narrow (1280 px). */}
        <div className="header-actions">
          <button
            type="button"
            data-testid="open-overview"
            onClick={onOverview}
            title="Overview: which release is on which environment, with drift and health (O)"
            aria-label="Overview"
            aria-keyshortcuts="o"
          >
            <TableProperties size={14} aria-hidden="true" />
            {/* Its icon alone below 1500 px, so the header keeps one row at 1280 px. */}
            <span className="label-long">Overview</span>
          </button>
          <button
            type="button"
            data-testid="open-tickets"
            onClick={() => tickets.getState().showView()}
          >
            Tickets
          </button>
          <button
            type="button"
            data-testid="open-ledger"
            onClick={() => ledger.getState().showView()}
            title="Every release, deployment, promotion, approval, override, rollback and lock, as the team's tamper-evident ledger holds them"
          >
            <ScrollText size={14} aria-hidden="true" />
            Ledger
          </button>
          <QueueButton />
          {/* Right after its button in the DOM: Tab goes from the button into the panel and on. */}
          <QueuePanel />
          <button
            type="button"
            data-testid="present"
            onClick={onPresent}
            title="Presentation mode: the pipeline in large type, full screen (P; Esc leaves)"
            aria-keyshortcuts="p"
          >
            <Presentation size={14} aria-hidden="true" />
            Present
          </button>
          <button
            type="button"
            data-testid="share-read-only"
            className={sharing ? 'sharing' : undefined}
            aria-label={sharing ? 'Sharing read-only' : 'Share read-only…'}
            onClick={() => void viewerShare.getState().showDialog()}
            title="A link that shows presentation mode to others' browsers and cannot change anything"
          >
            <Share2 size={14} aria-hidden="true" />
            {/* The short label on narrower windows leaves the workspace's name and path room. */}
            <span className="label-long">{sharing ? 'Sharing read-only' : 'Share read-only…'}</span>
            <span className="label-short">{sharing ? 'Sharing' : 'Share…'}</span>
          </button>
          <ShareDialog />
          <button
            type="button"
            onClick={showPicker}
            aria-label="Switch workspace"
            title="Open another workspace: a repository's path, a folder from Browse…, a recent one"
          >
            <FolderOpen size={14} aria-hidden="true" />
            {/* Short below 1500 px, so the header keeps one row with Overview in it (1280 px). */}
            <span className="label-long">Switch workspace</span>
            <span className="label-short">Switch…</span>
          </button>
        </div>
      </div>
      {workspace.configProblems.length > 0 && (
        <ConfigProblems problems={workspace.configProblems} />
      )}
      {offerStarter && (
        <div className="banner info">
          <span>
            This repository has no slipway.yml, so Slipway uses its defaults. Write a starter file
            to describe tests, builds and environments.
          </span>
          <button
            type="button"
            onClick={() => void writeStarterConfig()}
            disabled={pending === 'starter'}
          >
            {pending === 'starter' ? 'Writing…' : 'Write a starter slipway.yml'}
          </button>
        </div>
      )}
      {error && (
        <p className="inline-error" role="alert">
          {error.message}
        </p>
      )}
    </header>
  )
}
