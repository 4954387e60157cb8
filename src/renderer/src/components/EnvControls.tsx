import { CircleArrowUp, RotateCw, ScrollText, Square } from 'lucide-react'
import type { BranchEnv, BranchEnvStep } from '../../../shared'
import { assertNever } from '../../../shared/errors'
import { shortSha } from '../lib/format'
import { useStores } from '../stores/hooks'

const STEP_WORDS: Record<BranchEnvStep, string> = {
  checkout: 'checking out',
  setup: 'running setup',
  run: 'starting the app',
  health: 'waiting for the health URL'
}

/** One line on where a branch environment stands: its link while it runs. */
export function EnvState({ env }: { readonly env: BranchEnv }): React.JSX.Element {
  const { state } = env
  switch (state.kind) {
    case 'starting':
      return <span className="env-state">Starting: {STEP_WORDS[state.step]}…</span>
    case 'running':
      return (
        <span className="env-state running">
          Running at{' '}
          <a href={env.url} target="_blank" rel="noreferrer" data-testid="env-link">
            {env.url}
          </a>
        </span>
      )
    case 'failed':
      return (
        <span className="env-state failed">
          Failed: {state.summary}
          {state.exitCode !== null && ` (exit code ${state.exitCode})`}
        </span>
      )
    case 'stopping':
      return <span className="env-state">Stopping…</span>
    case 'stopped':
      return <span className="env-state">Stopped ({state.reason})</span>
    default:
      return assertNever(state)
  }
}

/** The log lines that explain a failed start. */
export function EnvFailure({ env }: { readonly env: BranchEnv }): React.JSX.Element | null {
  if (env.state.kind !== 'failed' || env.state.lines.length === 0) return null
  return (
    <pre
      className="env-failure"
      data-testid="env-failure"
      aria-label="Why it failed (from the log)"
    >
      {env.state.lines.join('\n')}
    </pre>
  )
}

/** Stop, Restart, Update (when the branch has new commits) and, optionally, Log. */
export function EnvButtons({
  env,
  showLog
}: {
  readonly env: BranchEnv
  readonly showLog: boolean
}): React.JSX.Element {
  const { branchEnvs } = useStores()
  const active =
    env.state.kind === 'starting' || env.state.kind === 'running' || env.state.kind === 'stopping'
  return (
    <div className="env-buttons">
      {env.newerSha && (
        <button
          type="button"
          className="primary"
          onClick={() => void branchEnvs.getState().update(env.id)}
          title={`Restart on the branch's new tip ${shortSha(env.newerSha)}`}
        >
          <CircleArrowUp aria-hidden="true" size={14} /> Update to {shortSha(env.newerSha)}
        </button>
      )}
      {active && (
        <button
          type="button"
          disabled={env.state.kind === 'stopping'}
          onClick={() => void branchEnvs.getState().stop(env.id)}
        >
          <Square aria-hidden="true" size={12} /> Stop
        </button>
      )}
      <button
        type="button"
        disabled={env.state.kind === 'stopping'}
        onClick={() => void branchEnvs.getState().restart(env.id)}
        title={`Start ${shortSha(env.sha)} again on port ${env.port}`}
      >
        <RotateCw aria-hidden="true" size={12} /> {active ? 'Restart' : 'Start again'}
      </button>
      {showLog && (
        <button type="button" onClick={() => void branchEnvs.getState().open(env.id)}>
          <ScrollText aria-hidden="true" size={12} /> Log
        </button>
      )}
    </div>
  )
}
