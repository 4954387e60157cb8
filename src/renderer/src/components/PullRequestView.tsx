import { useCallback, useState } from 'react'
import type { Check, PullRequestView as View } from '../../../shared/pull-request-models'
import { formatAbsolute, formatRelative, shortSha } from '../lib/format'
import { useStores } from '../stores/hooks'
import { usePulls } from '../stores/use-team'
import { DeployModal } from './DeployModal'
import { DiffView } from './DiffView'
import { PullMainMoved } from './PullMainMoved'
import { TicketChip } from './TicketChip'

const CHECK_LABEL: Record<Check['name'], string> = {
  tests: 'Tests on the merge result',
  approvals: 'Approvals',
  'up-to-date': 'Up to date with main'
}

const PROGRESS_LABEL = {
  syncing: 'Syncing with origin…',
  testing: 'Testing the merge result…',
  merging: 'Merging into main…',
  pushing: 'Pushing main to origin…'
} as const

/**
 * The pull-request view: its checks, review actions, merge with progress, commits, changed
 * files with a virtualized diff, and the reviews and comments.
 */
export function PullRequestView({
  isDemo,
  now
}: {
  readonly isDemo: boolean
  readonly now: number
}): React.JSX.Element | null {
  const { pulls: store } = useStores()
  const branch = usePulls((s) => s.openBranch)
  const view = usePulls((s) => s.view)
  const error = usePulls((s) => s.error)
  const close = useCallback(() => store.getState().closeView(), [store])
  if (!branch) return null
  return (
    <DeployModal title={view?.pullRequest.title ?? branch} testId="pull-view" onClose={close} wide>
      <div className="modal-body pull-body">
        {view ? (
          <PullBody view={view} isDemo={isDemo} now={now} />
        ) : error ? (
          <p className="form-error" role="alert">
            {error.message}
          </p>
        ) : (
          <p role="status">Reading the pull request…</p>
        )}
      </div>
    </DeployModal>
  )
}

function PullBody({
  view,
  isDemo,
  now
}: {
  readonly view: View
  readonly isDemo: boolean
  readonly now: number
}): React.JSX.Element {
  const { pulls: store } = useStores()
  const pending = usePulls((s) => s.pending)
  const error = usePulls((s) => s.error)
  const notice = usePulls((s) => s.notice)
  const progress = usePulls((s) => s.mergeProgress)
  const outcome = usePulls((s) => s.mergeOutcome)
  const pr = view.pullRequest
  const actions = store.getState()
  const open = pr.state === 'open'
  const busy = pending !== null
  return (
    <>
      <div className="pull-head">
        <span className={`pull-state state-${pr.state}`} data-testid="pull-state">
          {pr.state}
        </span>
        <code>{pr.branch}</code> → main
        {pr.ticket && <TicketChip ticket={pr.ticket} />}
        <span className="muted">
          by {pr.author.name}, {formatRelative(pr.openedAt, now)}
        </span>
      </div>
      {pr.description && <p className="pull-description">{pr.description}</p>}
      {notice && (
        <p className="pull-notice" role="status">
          {notice}
        </p>
      )}
      {error && (
        <p className="form-error" role="alert" data-testid="pull-error">
          {error.message}
        </p>
      )}
      {open && (
        <section aria-label="Checks">
          <h3>Checks</h3>
          <ul className="check-list" data-testid="pull-checks">
            {view.checks.map((c) => (
              <li key={c.name} className={`check check-${c.status}`} data-check={c.name}>
                <span className="check-mark" aria-hidden="true">
                  {c.status === 'passed' ? '✓' : c.status === 'failed' ? '✕' : '…'}
                </span>
                <span className="check-name">{CHECK_LABEL[c.name]}</span>
                <span className="check-summary">{c.summary}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
      {pr.merged && (
        <p className="pull-merged" data-testid="pull-merged">
          Merged as <code>{shortSha(pr.merged.commit)}</code> ({pr.merged.method}) by{' '}
          {pr.merged.by.name}, {formatRelative(pr.merged.at, now)}.
        </p>
      )}
      {outcome?.kind === 'main-moved' && <PullMainMoved outcome={outcome} />}
      {progress && pending === 'merge' && (
        <p className="pull-progress" role="status" data-testid="merge-progress">
          {PROGRESS_LABEL[progress.kind]}
        </p>
      )}
      <div className="pull-actions">
        {open && (
          <>
            <button
              type="button"
              className="primary"
              data-testid="pull-merge"
              disabled={busy}
              onClick={() => void actions.merge()}
              title={view.mergeable ? 'Every check passed' : 'Merging names what still fails'}
            >
              {pending === 'merge' ? 'Merging…' : 'Merge into main'}
            </button>
            <button
              type="button"
              data-testid="pull-approve"
              disabled={busy}
              onClick={() => void actions.review('approve', '')}
            >
              Approve
            </button>
            <button
              type="button"
              disabled={busy}
              onClick={() => void actions.review('request-changes', '')}
            >
              Request changes
            </button>
            {isDemo && (
              <button
                type="button"
                data-testid="pull-review-as-ben"
                disabled={busy}
                onClick={() => void actions.reviewAsReviewer('approve')}
                title="Approves as Ben Okafor, from his own clone of the demo's origin"
              >
                {pending === 'review-as' ? 'Ben is reviewing…' : 'Review as Ben (approve)'}
              </button>
            )}
            <button type="button" disabled={busy} onClick={() => void actions.close()}>
              Close without merging
            </button>
          </>
        )}
        {pr.state === 'merged' && view.head && (
          <button
            type="button"
            data-testid="pull-delete-branch"
            disabled={busy}
            onClick={() => void actions.deleteBranch()}
          >
            Delete the branch
          </button>
        )}
      </div>
      <Commits view={view} now={now} />
      <Files />
      <Conversation view={view} now={now} />
    </>
  )
}

function Commits({ view, now }: { readonly view: View; readonly now: number }): React.JSX.Element {
  return (
    <section aria-label="Commits">
      <h3>Commits ({view.commits.length})</h3>
      <ul className="pull-commits" data-testid="pull-commits">
        {view.commits.map((c) => (
          <li key={c.sha}>
            <code title={c.sha}>{shortSha(c.sha)}</code> <span>{c.subject}</span>{' '}
            <span className="muted">
              {c.author}, <time title={formatAbsolute(c.date)}>{formatRelative(c.date, now)}</time>
            </span>
          </li>
        ))}
      </ul>
    </section>
  )
}

function Files(): React.JSX.Element {
  const { pulls: store } = useStores()
  const files = usePulls((s) => s.files)
  const selected = usePulls((s) => s.selectedFile)
  const diff = usePulls((s) => s.diff)
  const failed = usePulls((s) => s.error !== null)
  const onNeedRow = useCallback((row: number) => store.getState().loadDiffRow(row), [store])
  return (
    <section aria-label="Changed files">
      <h3>Files changed{files ? ` (${files.files.length})` : ''}</h3>
      {!files && !failed && (
        <p className="muted" role="status">
          Reading the changed files…
        </p>
      )}
      {files?.files.length === 0 && (
        <p className="muted" data-testid="pull-no-files">
          No file differs from main.
        </p>
      )}
      {files && files.files.length > 0 && (
        <div className="pull-files">
          {/* Plain buttons in a list (the shown file is aria-current): a listbox would need
              arrow keys and may not hold list items (axe aria-required-children). */}
          <ul className="file-list" aria-label="Changed files">
            {files.files.map((f) => (
              <li key={f.path}>
                <button
                  type="button"
                  aria-current={f.path === selected ? 'true' : undefined}
                  className={f.path === selected ? 'file-item selected' : 'file-item'}
                  onClick={() => void store.getState().selectFile(f.path)}
                  title={f.oldPath ? `${f.oldPath} → ${f.path}` : f.path}
                >
                  <span className="file-path">{f.path}</span>
                  <span className="file-stat">
                    {f.additions === null ? 'bin' : `+${f.additions} −${f.deletions ?? 0}`}
                  </span>
                </button>
              </li>
            ))}
          </ul>
          <div className="diff-pane">
            {diff ? <DiffView diff={diff} onNeedRow={onNeedRow} /> : <p className="muted">…</p>}
          </div>
        </div>
      )}
    </section>
  )
}

function Conversation({ view, now }: { readonly view: View; readonly now: number }) {
  const { pulls: store } = useStores()
  const pending = usePulls((s) => s.pending)
  const [body, setBody] = useState('')
  const pr = view.pullRequest
  const entries = [
    ...pr.reviews.map((r) => ({
      id: r.id,
      at: r.at,
      who: r.author.name,
      text: r.verdict === 'approve' ? 'approved' : 'requested changes',
      body: r.body,
      where: `at ${shortSha(r.commit)}`
    })),
    ...pr.comments.map((c) => ({
      id: c.id,
      at: c.at,
      who: c.author.name,
      text: 'commented',
      body: c.body,
      where: c.path ? `on ${c.path}${c.line ? `:${c.line}` : ''}` : ''
    }))
  ].sort((a, b) => a.at.localeCompare(b.at))
  return (
    <section aria-label="Reviews and comments">
      <h3>Reviews and comments</h3>
      <ul className="pull-conversation" data-testid="pull-conversation">
        {entries.length === 0 && <li className="muted">No reviews yet.</li>}
        {entries.map((e) => (
          <li key={e.id}>
            <strong>{e.who}</strong> {e.text} {e.where}{' '}
            <time className="muted" title={formatAbsolute(e.at)}>
              {formatRelative(e.at, now)}
            </time>
            {e.body && <p>{e.body}</p>}
          </li>
        ))}
      </ul>
      {pr.state === 'open' && (
        <form
          className="comment-form"
          onSubmit={(ev) => {
            ev.preventDefault()
            if (!body.trim()) return
            void store
              .getState()
              .comment(body)
              .then((ok) => ok && setBody(''))
          }}
        >
          <label className="field">
            <span>Comment</span>
            <textarea value={body} rows={2} onChange={(ev) => setBody(ev.target.value)} />
          </label>
          <button type="submit" disabled={pending !== null || !body.trim()}>
            Comment
          </button>
        </form>
      )}
    </section>
  )
}
