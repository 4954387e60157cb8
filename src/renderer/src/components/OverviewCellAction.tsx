import { ArrowUpFromLine, Undo2 } from 'lucide-react'
import { useStore } from 'zustand'
import type { EnvironmentConfig } from '../../../shared'
import type { OverviewCell } from '../lib/overview'
import { useStores } from '../stores/hooks'
import { useDeploy } from '../stores/use-deploy'
import { deployedRelease } from '../views/DeployDialog'

/** What a cell of the overview offers for its release in its environment, if anything. */
export type CellAction = 'promote' | 'rollback' | null

/**
 * Promote when the release is the one the environment is promoted from runs (as the lane's
 * Promote does) and it is not current here yet; roll back when this environment is not serving
 * it but every reachable host still holds it unpacked, so no host would be missing it.
 */
export function cellAction(
  release: string,
  cell: OverviewCell,
  environment: EnvironmentConfig,
  upstream: string | null
): CellAction {
  if (environment.promoteFrom && upstream === release && cell.state !== 'current') return 'promote'
  const held = cell.reachable > 0 && cell.keptOn.length === cell.reachable
  if ((cell.state === 'previous' || cell.state === 'kept') && held) return 'rollback'
  return null
}

/**
 * A cell's one action. It closes the overview and opens the same dialog the lane's button
 * does, with this release chosen, so approvals, freezes, locks and the reason are asked there.
 */
export function OverviewCellAction({
  release,
  cell,
  environment,
  onClose
}: {
  readonly release: string
  readonly cell: OverviewCell
  readonly environment: EnvironmentConfig
  readonly onClose: () => void
}): React.JSX.Element | null {
  const { deploy, promotions, trust } = useStores()
  const name = environment.name
  const upstream = useDeploy((s) =>
    environment.promoteFrom
      ? deployedRelease(s.environments[environment.promoteFrom]?.status)
      : null
  )
  const running = useDeploy((s) =>
    s.deployments.some((d) => d.environment === name && d.status === 'running')
  )
  const untrusted = useStore(
    trust,
    (s) => s.status?.state === 'untrusted' || s.status?.state === 'changed'
  )
  const action = cellAction(release, cell, environment, upstream)
  if (action === 'promote') {
    return (
      <button
        type="button"
        className="overview-action"
        data-testid={`overview-promote-${name}`}
        aria-label={`Promote ${release} to ${name}`}
        disabled={running}
        title={running ? `A deployment to ${name} is running` : undefined}
        onClick={() => {
          onClose()
          void promotions.getState().open(release, name)
        }}
      >
        <ArrowUpFromLine size={12} aria-hidden="true" />
        Promote…
      </button>
    )
  }
  if (action === 'rollback') {
    return (
      <button
        type="button"
        className="overview-action"
        data-testid={`overview-rollback-${name}`}
        aria-label={`Roll ${name} back to ${release}`}
        disabled={running || untrusted}
        title={
          untrusted
            ? 'Trust the workspace first: a rollback runs its commands'
            : running
              ? `A deployment to ${name} is running`
              : undefined
        }
        onClick={() => {
          onClose()
          deploy.getState().openRollback(name, release)
        }}
      >
        <Undo2 size={12} aria-hidden="true" />
        Roll back…
      </button>
    )
  }
  return null
}
