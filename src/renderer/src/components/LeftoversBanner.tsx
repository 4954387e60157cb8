import { useStores } from '../stores/hooks'
import { useBranchEnvs } from '../stores/use-branch-envs'

/** Offers to end what a Slipway that was killed left running (branch environments). */
export function LeftoversBanner(): React.JSX.Element | null {
  const { branchEnvs } = useStores()
  const leftovers = useBranchEnvs((s) => s.leftovers)
  if (leftovers.length === 0) return null
  const names = leftovers.map((l) => `${l.label} (port ${l.port})`).join(', ')
  const count = leftovers.reduce((n, l) => n + l.processes.length, 0)
  return (
    <div className="leftovers-banner" role="alert" data-testid="leftovers-banner">
      <span>
        A Slipway that ended without stopping them left {count} process
        {count === 1 ? '' : 'es'} of local runs going: {names}.
      </span>
      <button
        type="button"
        className="danger"
        onClick={() => void branchEnvs.getState().cleanLeftovers()}
      >
        End them
      </button>
    </div>
  )
}
