import { useEffect, useRef } from 'react'
import type { MergeOutcome } from '../../../shared/pull-request-models'
import { shortSha } from '../lib/format'
import { useStores } from '../stores/hooks'
import { usePulls } from '../stores/use-team'

/**
 * After origin's main moved while merging: the retest of the merge result at the new main as
 * it goes, then the question again: "Merge again?" once it passed (the button takes the
 * focus), or why not when it failed.
 */
export function PullMainMoved({
  outcome
}: {
  readonly outcome: Extract<MergeOutcome, { kind: 'main-moved' }>
}): React.JSX.Element {
  const { pulls: store } = useStores()
  const retest = usePulls((s) => s.retest)
  const pending = usePulls((s) => s.pending)
  const again = useRef<HTMLButtonElement>(null)
  const passed = retest?.status === 'passed'
  useEffect(() => {
    if (passed) again.current?.focus()
  }, [passed])
  const main = shortSha(outcome.main)
  const said = (
    <>
      Origin&apos;s main moved to <code>{main}</code> while merging; nothing was merged.{' '}
    </>
  )
  if (!retest) {
    return (
      <p className="pull-notice" role="status" data-testid="pull-main-moved">
        {outcome.message}
      </p>
    )
  }
  if (retest.status === 'queued' || retest.status === 'running') {
    return (
      <p className="pull-notice" role="status" data-testid="pull-main-moved">
        {said}Retesting the merge result with main at <code>{main}</code>: {retest.status}…
      </p>
    )
  }
  if (!passed) {
    return (
      <p className="form-error" role="alert" data-testid="pull-main-moved">
        {said}The retest with main at <code>{main}</code> {retest.status}: {retest.summary}
      </p>
    )
  }
  return (
    <div className="pull-notice pull-ask-again" role="status" data-testid="pull-main-moved">
      <p>
        {said}The merge result with main at <code>{main}</code> passed. Merge again?
      </p>
      <div className="pull-actions">
        <button
          ref={again}
          type="button"
          className="primary"
          data-testid="pull-merge-again"
          disabled={pending !== null}
          onClick={() => void store.getState().merge()}
        >
          Merge again
        </button>
        <button
          type="button"
          disabled={pending !== null}
          onClick={() => store.getState().dismissMainMoved()}
        >
          Not now
        </button>
      </div>
    </div>
  )
}
