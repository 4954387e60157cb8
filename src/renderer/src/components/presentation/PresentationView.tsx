import { useCallback, useEffect, useMemo, useRef } from 'react'
import { Eye, X } from 'lucide-react'
import type { Workspace } from '../../../../shared'
import { buildPipeline } from '../../lib/pipeline'
import { useNow } from '../../lib/use-now'
import { useVisibleInterval } from '../../lib/use-visible-interval'
import { useBranches, useStores } from '../../stores/hooks'
import { useDeploy, useReleases } from '../../stores/use-deploy'
import { usePromotions, usePulls, useTickets } from '../../stores/use-team'
import { useTests } from '../../stores/use-tests'
import { EnvironmentSummary, openPromotion, servedRelease } from './EnvironmentSummary'
import { PipelineColumns } from './PipelineColumns'
import '../../styles/presentation.css'

/** Cards a pipeline column shows before it says "+N more" (sizes scale with the screen). */
export const CARDS_PER_COLUMN = 4
/** How often the slide re-reads the environments' hosts. */
const STATUS_REFRESH_MS = 20_000

/**
 * Presentation mode: the pipeline with live data for a meeting room, in large type, filling the
 * screen without scrolling. Nothing here changes anything; `onLeave` (Escape, or leaving full
 * screen) is absent for a viewer, whose page is only this.
 */
export function PresentationView({
  workspace,
  onLeave
}: {
  readonly workspace: Workspace
  readonly onLeave: (() => void) | null
}): React.JSX.Element {
  const { deploy, tickets: ticketsStore, promotions: promotionsStore } = useStores()
  const now = useNow()
  const listing = useBranches((s) => s.listing)
  const testStates = useTests((s) => s.states)
  const pulls = usePulls((s) => s.pulls)
  const tickets = useTickets((s) => s.tickets)
  const releases = useReleases((s) => s.releases)
  const readings = useDeploy((s) => s.environments)
  const deployments = useDeploy((s) => s.deployments)
  const promotions = usePromotions((s) => s.promotions)
  const rootRef = useRef<HTMLDivElement>(null)
  const envNames = useMemo(
    () => workspace.config.environments.map((e) => e.name),
    [workspace.config.environments]
  )

  const readHosts = useCallback(() => {
    for (const name of envNames) void deploy.getState().loadStatus(name)
  }, [deploy, envNames])
  useVisibleInterval(readHosts, STATUS_REFRESH_MS)
  useEffect(() => void ticketsStore.getState().load(), [ticketsStore])
  // Pending approvals per environment; promotions.changed re-reads them once loaded.
  useEffect(() => void promotionsStore.getState().load(), [promotionsStore])

  useEffect(() => {
    rootRef.current?.focus()
    if (!onLeave) return
    const onKey = (e: KeyboardEvent): void => {
      if (e.key !== 'Escape' || e.defaultPrevented) return
      e.preventDefault()
      onLeave()
    }
    // Escape in full screen leaves full screen (the page never sees the key): leave with it.
    const onFullscreen = (): void => {
      if (!document.fullscreenElement) onLeave()
    }
    document.addEventListener('keydown', onKey)
    document.addEventListener('fullscreenchange', onFullscreen)
    return () => {
      document.removeEventListener('keydown', onKey)
      document.removeEventListener('fullscreenchange', onFullscreen)
    }
  }, [onLeave])

  const columns = useMemo(
    () =>
      buildPipeline({
        mainBranch: workspace.mainBranch,
        branches: listing?.branches ?? [],
        testStates,
        pulls,
        tickets,
        releases,
        environments: envNames.map((name) => ({
          name,
          release: servedRelease(readings[name]?.status ?? null)
        }))
      }),
    [workspace.mainBranch, listing, testStates, pulls, tickets, releases, envNames, readings]
  )
  const clock = new Date(now).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })

  return (
    <div
      className="presentation"
      data-testid="presentation"
      role="region"
      aria-label={`${workspace.name} pipeline, presentation`}
      tabIndex={-1}
      ref={rootRef}
    >
      <header className="present-top">
        <h1>
          {workspace.name}
          <span className="present-top-sub">release pipeline</span>
        </h1>
        <div className="present-top-right">
          <span className="present-live">
            <span className="present-live-dot" aria-hidden="true" />
            Live · {clock}
          </span>
          {onLeave ? (
            <button type="button" className="present-leave" onClick={onLeave}>
              <X aria-hidden="true" />
              Leave <kbd>Esc</kbd>
            </button>
          ) : (
            <span className="present-readonly">
              <Eye aria-hidden="true" />
              Read-only view
            </span>
          )}
        </div>
      </header>
      <PipelineColumns columns={columns} fits={CARDS_PER_COLUMN} />
      <section
        className="present-envs"
        aria-label="Environments"
        data-count={Math.min(envNames.length, 4)}
      >
        {envNames.length === 0 && (
          <p className="present-muted">slipway.yml names no environments yet.</p>
        )}
        {envNames.map((name) => (
          <EnvironmentSummary
            key={name}
            name={name}
            status={readings[name]?.status ?? null}
            loading={readings[name]?.loading ?? true}
            releases={releases}
            running={
              deployments.find((d) => d.environment === name && d.status === 'running') ?? null
            }
            promotion={openPromotion(promotions, name)}
          />
        ))}
      </section>
    </div>
  )
}
