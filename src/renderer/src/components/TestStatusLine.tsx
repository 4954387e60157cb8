import { useStores } from '../stores/hooks'
import { useTests } from '../stores/use-tests'
import { RunDots, TestStatus } from './TestStatus'
import { useWorkspace } from '../stores/hooks'
import { InvalidConfigNote } from './ConfigProblems'

/**
 * A branch's test line for cards and the main lane: tip status, merge-result status (when
 * there is one) and dots for recent runs. Nothing while tests are not set up.
 */
export function TestStatusLine({ branch }: { readonly branch: string }): React.JSX.Element | null {
  const ready = useTests((s) => s.availability.kind === 'ready')
  const state = useTests((s) => s.states[branch] ?? null)
  if (!ready) return null
  return (
    <span className="test-line" data-testid="test-line">
      <TestStatus run={state?.tip ?? null} kind="tip" />
      {state?.merge && <TestStatus run={state.merge} kind="merge" compact />}
      <RunDots runs={state?.history ?? []} />
    </span>
  )
}

/** Says politely why there are no test results, with the fix, when tests are not set up. */
export function TestsUnavailable(): React.JSX.Element | null {
  const availability = useTests((s) => s.availability)
  const problem = useWorkspace((s) => s.workspace?.configProblems[0] ?? null)
  const { tests, trust } = useStores()
  switch (availability.kind) {
    case 'unknown':
    case 'ready':
      return null
    case 'unconfigured':
      // Defaults stand in for a slipway.yml that does not validate: "no test.command" would
      // be false advice there.
      if (problem) return <InvalidConfigNote problem={problem} what="Branches are not tested" />
      return (
        <p className="tests-note" data-testid="tests-unconfigured">
          Branches are not tested: slipway.yml has no <code>test.command</code>. Add for example{' '}
          <code>test: {'{ command: npm test }'}</code> and every branch is tested at each new
          commit.
        </p>
      )
    case 'untrusted':
      return (
        <p className="tests-note" data-testid="tests-untrusted">
          Branches are not tested: this workspace&apos;s commands have not been trusted yet, so
          Slipway runs none of them and the board is read-only.{' '}
          <button
            type="button"
            className="link-button"
            onClick={() => trust.getState().showDialog()}
          >
            Review the commands…
          </button>
        </p>
      )
    case 'failed':
      return (
        <p className="tests-note" role="alert">
          Test results could not be read: {availability.error.message}{' '}
          <button
            type="button"
            className="link-button"
            onClick={() => void tests.getState().load()}
          >
            Try again
          </button>
        </p>
      )
  }
}
