import { Play } from 'lucide-react'
import type { BranchEnv } from '../../../shared'
import { useStores } from '../stores/hooks'
import { useBranchEnvs } from '../stores/use-branch-envs'
import { useDeploy } from '../stores/use-deploy'
import { EnvState } from './EnvControls'

function envOfEnvironment(
  envs: Readonly<Record<string, BranchEnv>>,
  name: string
): BranchEnv | null {
  for (const env of Object.values(envs)) {
    if (env.target.kind === 'environment' && env.target.environment === name) {
      if (env.state.kind !== 'stopped') return env
    }
  }
  return null
}

/**
 * "Run what it runs": the commit of the release an environment's hosts serve, started on this
 * machine like a branch (own worktree, free port). Offered once a host was read serving a release.
 */
export function LaneRunLocally({
  environment
}: {
  readonly environment: string
}): React.JSX.Element | null {
  const { branchEnvs } = useStores()
  const ready = useBranchEnvs((s) => s.availability === 'ready')
  const env = useBranchEnvs((s) => envOfEnvironment(s.envs, environment))
  const serves = useDeploy(
    (s) => s.environments[environment]?.status?.hosts.some((h) => h.release !== null) ?? false
  )
  if (!ready) return null
  if (env) {
    return (
      <div className="lane-run" data-testid={`lane-run-${environment}`}>
        <span className="muted">On this machine:</span>
        <EnvState env={env} />
        <button
          type="button"
          className="link-button"
          onClick={() => void branchEnvs.getState().open(env.id)}
        >
          Local run…
        </button>
      </div>
    )
  }
  if (!serves) return null
  return (
    <div className="lane-run">
      <button
        type="button"
        data-testid={`run-env-${environment}`}
        onClick={() => void branchEnvs.getState().start({ environment })}
        title={`Run the commit of the release ${environment} serves on this machine`}
      >
        <Play size={14} aria-hidden="true" />
        Run what {environment} runs
      </button>
    </div>
  )
}
