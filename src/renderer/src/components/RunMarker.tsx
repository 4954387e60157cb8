import { CircleAlert, LoaderCircle, Play } from 'lucide-react'
import { envOfBranch } from '../stores/branch-envs-store'
import { useBranchEnvs } from '../stores/use-branch-envs'
import '../styles/branch-envs.css'

/**
 * A branch card's "runs locally" marker: the port while it runs, "starting" while it comes up,
 * "run failed" after a failed start; nothing when it does not run. Shape and word, never colour alone.
 */
export function RunMarker({ branch }: { readonly branch: string }): React.JSX.Element | null {
  const env = useBranchEnvs((s) => envOfBranch(s.envs, branch))
  if (!env) return null
  switch (env.state.kind) {
    case 'running':
      return (
        <span
          className="run-marker running"
          data-testid="run-marker"
          title={`Runs locally at ${env.url}`}
        >
          <Play aria-hidden="true" size={11} />
          <span className="visually-hidden">runs locally on port </span>:{env.port}
        </span>
      )
    case 'starting':
    case 'stopping':
      return (
        <span
          className="run-marker"
          data-testid="run-marker"
          title={`Local run: ${env.state.kind}`}
        >
          <LoaderCircle aria-hidden="true" size={11} />
          {env.state.kind}
        </span>
      )
    case 'failed':
      return (
        <span
          className="run-marker failed"
          data-testid="run-marker"
          title={`Local run failed: ${env.state.summary}`}
        >
          <CircleAlert aria-hidden="true" size={11} />
          run failed
        </span>
      )
    case 'stopped':
      return null
  }
}
