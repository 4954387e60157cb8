import { GitBranchMinus, Undo2 } from 'lucide-react'
import { useEffect, useRef, useState } from 'react'
import type { PrunableBranch, PruneOutcome } from '../../../shared'
import { formatAbsolute, formatRelative, plural, shortSha } from '../lib/format'
import { useStores } from '../stores/hooks'
import type { UiError } from '../stores/workspace-store'
import { DeployModal } from './DeployModal'

type Step =
  | { readonly kind: 'reading' }
  | { readonly kind: 'failed'; readonly error: UiError }
  | { readonly kind: 'choosing'; readonly branches: readonly PrunableBranch[] }
  | { readonly kind: 'working'; readonly what: string }
  | { readonly kind: 'pruned'; readonly outcome: PruneOutcome; readonly restored?: PruneOutcome }

/** What a branch name is restored with by hand: `git branch -- NAME SHA` (the name never an option). */
function restoreCommand(b: { readonly name: string; readonly sha: string }): string {
  return `git branch -- '${b.name.replace(/'/g, `'\\''`)}' ${b.sha}`
}

/**
 * Prune merged branches: lists exactly the local branches merged into main (each with its tip,
 * subject and age, all ticked), deletes the ticked ones only at the sha shown, then names what
 * went with its sha, the command to bring each back, and Undo (restores them all).
 */
export function PruneDialog({
  mainBranch,
  now,
  onClose
}: {
  readonly mainBranch: string
  readonly now: number
  readonly onClose: () => void
}): React.JSX.Element {
  const { branches: store } = useStores()
  const [step, setStep] = useState<Step>({ kind: 'reading' })
  const [unticked, setUnticked] = useState<ReadonlySet<string>>(new Set())
  // The button pressed goes away with its step: focus moves to what follows (Undo, or Close).
  const after = useRef<HTMLButtonElement>(null)
  useEffect(() => {
    if (step.kind === 'pruned') after.current?.focus()
  }, [step])

  useEffect(() => {
    let live = true
    void store
      .getState()
      .loadPrunable()
      .then((a) => {
        if (!live) return
        setStep(a.ok ? { kind: 'choosing', branches: a.value } : { kind: 'failed', error: a.error })
      })
    return () => {
      live = false
    }
  }, [store])

  const prune = async (chosen: readonly PrunableBranch[]): Promise<void> => {
    setStep({ kind: 'working', what: `Deleting ${plural(chosen.length, 'branch', 'branches')}…` })
    const a = await store.getState().prune(chosen.map(({ name, sha }) => ({ name, sha })))
    setStep(a.ok ? { kind: 'pruned', outcome: a.value } : { kind: 'failed', error: a.error })
  }
  const undo = async (outcome: PruneOutcome): Promise<void> => {
    setStep({ kind: 'working', what: 'Restoring…' })
    const a = await store.getState().restore(outcome.done)
    setStep(
      a.ok ? { kind: 'pruned', outcome, restored: a.value } : { kind: 'failed', error: a.error }
    )
  }

  const chosen = step.kind === 'choosing' ? step.branches.filter((b) => !unticked.has(b.name)) : []
  return (
    <DeployModal title="Prune merged branches" testId="prune-dialog" onClose={onClose} wide>
      <div className="modal-body">
        {step.kind === 'reading' && <p role="status">Reading which branches are merged…</p>}
        {step.kind === 'working' && <p role="status">{step.what}</p>}
        {step.kind === 'failed' && (
          <p className="inline-error" role="alert">
            {step.error.message}
          </p>
        )}
        {step.kind === 'choosing' && step.branches.length === 0 && (
          <p role="status">
            No local branch is merged into {mainBranch}: nothing to prune. (Branches checked out in
            a worktree are never offered.)
          </p>
        )}
        {step.kind === 'choosing' && step.branches.length > 0 && (
          <>
            <p>
              These local branches are merged into <strong>{mainBranch}</strong>: every commit of
              theirs is in its history, so deleting them loses no work. Only the ticked ones are
              deleted, and only at the commit shown. Branches on origin are left as they are.
            </p>
            <ul className="prune-list" data-testid="prune-list">
              {step.branches.map((b) => (
                <li key={b.name} data-branch={b.name}>
                  <label>
                    <input
                      type="checkbox"
                      checked={!unticked.has(b.name)}
                      onChange={(e) => {
                        const next = new Set(unticked)
                        if (e.target.checked) next.delete(b.name)
                        else next.add(b.name)
                        setUnticked(next)
                      }}
                    />
                    <span className="prune-name">{b.name}</span>
                  </label>
                  <code className="sha" title={b.sha}>
                    {shortSha(b.sha)}
                  </code>
                  <span className="prune-subject" title={b.subject}>
                    {b.atMain ? `at ${mainBranch}, no commit of its own` : b.subject}
                  </span>
                  {b.date && (
                    <time dateTime={b.date} title={formatAbsolute(b.date)}>
                      {formatRelative(b.date, now)}
                    </time>
                  )}
                </li>
              ))}
            </ul>
          </>
        )}
        {step.kind === 'pruned' && <PruneResult step={step} />}
        <footer className="modal-footer">
          {step.kind === 'choosing' && step.branches.length > 0 && (
            <button
              type="button"
              className="danger"
              disabled={chosen.length === 0}
              onClick={() => void prune(chosen)}
              data-testid="prune-confirm"
            >
              <GitBranchMinus size={14} aria-hidden="true" /> Delete{' '}
              {plural(chosen.length, 'local branch', 'local branches')}
            </button>
          )}
          {step.kind === 'pruned' && !step.restored && step.outcome.done.length > 0 && (
            <button
              ref={after}
              type="button"
              onClick={() => void undo(step.outcome)}
              data-testid="prune-undo"
            >
              <Undo2 size={14} aria-hidden="true" /> Undo: restore{' '}
              {plural(step.outcome.done.length, 'branch', 'branches')}
            </button>
          )}
          <button
            ref={
              step.kind === 'pruned' && (step.restored || step.outcome.done.length === 0)
                ? after
                : undefined
            }
            type="button"
            onClick={onClose}
          >
            {step.kind === 'pruned' ? 'Close' : 'Cancel'}
          </button>
        </footer>
      </div>
    </DeployModal>
  )
}

function PruneResult({
  step
}: {
  readonly step: Extract<Step, { kind: 'pruned' }>
}): React.JSX.Element {
  const { outcome, restored } = step
  return (
    <div data-testid="prune-result">
      <p role="status">
        {restored
          ? `Restored ${plural(restored.done.length, 'branch', 'branches')} at the commits they had.`
          : `Deleted ${plural(outcome.done.length, 'local branch', 'local branches')}. To bring one back by hand:`}
      </p>
      {!restored && outcome.done.length > 0 && (
        <pre className="prune-restore" data-testid="prune-restore">
          {outcome.done.map(restoreCommand).join('\n')}
        </pre>
      )}
      {[...outcome.skipped, ...(restored?.skipped ?? [])].map((s) => (
        <p key={s.name} className="muted">
          {s.name} was left as it is: {s.reason}.
        </p>
      ))}
    </div>
  )
}
