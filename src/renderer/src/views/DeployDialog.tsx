import { useEffect, useState } from 'react'
import type { EnvironmentStatus } from '../../../shared'
import { DeployModal } from '../components/DeployModal'
import { ReleaseChangesView } from '../components/ReleaseChanges'
import { formatRelative } from '../lib/format'
import { LockNotice } from '../components/LockNotice'
import { FreezeNotice } from '../components/FreezeNotice'
import { MIN_OVERRIDE_REASON } from '../../../shared/freeze-windows'
import { useNow } from '../lib/use-now'
import { useStores, useWorkspace } from '../stores/hooks'
import { useDeploy, useReleases } from '../stores/use-deploy'

/** The release most of an environment's hosts run, or null. */
export function deployedRelease(status: EnvironmentStatus | null | undefined): string | null {
  if (!status) return null
  const counts = new Map<string, number>()
  for (const h of status.hosts)
    if (h.release) counts.set(h.release, (counts.get(h.release) ?? 0) + 1)
  let best: string | null = null
  for (const [id, n] of counts) if (best === null || n > (counts.get(best) ?? 0)) best = id
  return best
}

/**
 * Deploy: pick a release (or build one from main) and the environment, see what changes there
 * (tickets and commits since what it runs), give an optional reason, and start.
 */
export function DeployDialog({
  environment: initial
}: {
  readonly environment: string
}): React.JSX.Element {
  const { deploy: store, releases: releasesStore } = useStores()
  const environments = useWorkspace((s) => s.workspace?.config.environments ?? [])
  const mainBranch = useWorkspace((s) => s.workspace?.mainBranch ?? 'main')
  const releases = useReleases((s) => s.releases)
  const loaded = useReleases((s) => s.loaded)
  const building = useReleases((s) => s.building)
  const buildLog = useReleases((s) => s.buildLog)
  const releasesError = useReleases((s) => s.error)
  const pending = useDeploy((s) => s.pending)
  const error = useDeploy((s) => s.error)
  const [environment, setEnvironment] = useState(initial)
  const status = useDeploy((s) => s.environments[environment]?.status)
  const [chosen, setChosen] = useState<string | null>(null)
  const [reason, setReason] = useState('')
  const [override, setOverride] = useState('')
  const frozen = status?.freeze ?? null
  const overrideShort = frozen !== null && override.trim().length < MIN_OVERRIDE_REASON
  const now = useNow(30_000)

  useEffect(() => {
    if (!loaded) void releasesStore.getState().load()
  }, [loaded, releasesStore])
  useEffect(() => {
    if (!status) void store.getState().loadStatus(environment)
  }, [status, store, environment])

  // Promotion: the release the upstream environment runs is the one to ship here by default.
  const promoteFrom = environments.find((e) => e.name === environment)?.promoteFrom ?? null
  const upstream = useDeploy((s) =>
    promoteFrom ? deployedRelease(s.environments[promoteFrom]?.status) : null
  )
  useEffect(() => {
    if (promoteFrom && upstream === null) void store.getState().loadStatus(promoteFrom)
  }, [promoteFrom, upstream, store])
  const promoted = upstream && releases.some((r) => r.id === upstream) ? upstream : null
  const release = chosen ?? promoted ?? releases[0]?.id ?? null
  const deployed = deployedRelease(status)
  const close = (): void => store.getState().closeDialog()
  const create = async (): Promise<void> => {
    const created = await releasesStore.getState().create()
    if (created) setChosen(created.id)
  }
  const submit = (e: React.FormEvent): void => {
    e.preventDefault()
    if (!release || pending || overrideShort) return
    void store.getState().deploy(release, environment, reason, frozen ? override : undefined)
  }

  return (
    <DeployModal title="Deploy a release" testId="deploy-dialog" onClose={close} wide>
      <form className="modal-body" onSubmit={submit}>
        <div className="field-row">
          <label className="field">
            <span>Environment</span>
            <select
              value={environment}
              onChange={(e) => setEnvironment(e.target.value)}
              data-testid="deploy-environment"
            >
              {environments.map((env) => (
                <option key={env.name} value={env.name}>
                  {env.name} ({env.hosts.length} host{env.hosts.length === 1 ? '' : 's'})
                </option>
              ))}
            </select>
          </label>
          <label className="field grow">
            <span>Release</span>
            <select
              value={release ?? ''}
              onChange={(e) => setChosen(e.target.value)}
              disabled={releases.length === 0}
              data-testid="deploy-release"
            >
              {releases.length === 0 && <option value="">No releases yet</option>}
              {releases.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.id} · {r.subject.slice(0, 60)} · {formatRelative(r.createdAt, now)}
                  {r.id === deployed ? ' (deployed here)' : ''}
                </option>
              ))}
            </select>
          </label>
        </div>
        <div className="field-row">
          <button
            type="button"
            onClick={() => void create()}
            disabled={building}
            data-testid="create-release"
          >
            {building ? 'Building…' : `Create release from ${mainBranch}`}
          </button>
          <span className="muted">
            Builds {mainBranch}&apos;s tip once, in its own worktree; the same tarball goes to every
            host.
          </span>
        </div>
        {(building || buildLog.length > 0) && (
          <pre className="build-log" data-testid="build-log" aria-live="polite">
            {buildLog.slice(-12).join('\n')}
          </pre>
        )}
        {releasesError && <p className="form-error">{releasesError.message}</p>}
        {promoteFrom && (
          <p className="muted" data-testid="promote-from">
            {environment} is promoted from {promoteFrom}, which runs{' '}
            {upstream ? <code>{upstream}</code> : 'nothing yet'}
            {release && upstream && release !== upstream
              ? ': the chosen release has not been through it'
              : ''}
          </p>
        )}
        <p className="muted" data-testid="deployed-now">
          {environment} runs {deployed ? <code>{deployed}</code> : 'nothing yet'}
          {status?.drift ? ' (hosts differ)' : ''}
        </p>
        {status && <LockNotice status={status} now={now} />}
        {status && <FreezeNotice status={status} />}
        {release && <ReleaseChangesView releases={releases} deployed={deployed} target={release} />}
        <label className="field">
          <span>Reason (optional, recorded in the hosts&apos; logs and the lock)</span>
          <input
            type="text"
            value={reason}
            maxLength={500}
            onChange={(e) => setReason(e.target.value)}
            placeholder="e.g. ORD-142 refund endpoint"
          />
        </label>
        {frozen && (
          <label className="field">
            <span>
              Why deploy during the freeze? (required, {MIN_OVERRIDE_REASON} characters or more;
              recorded on every host and shown on the lane until the freeze ends)
            </span>
            <input
              type="text"
              value={override}
              maxLength={500}
              onChange={(e) => setOverride(e.target.value)}
              placeholder="e.g. ORD-150 checkout outage: the fix cannot wait"
              data-testid="deploy-override"
              aria-describedby="deploy-override-why"
            />
          </label>
        )}
        {frozen && overrideShort && (
          <p className="muted" id="deploy-override-why" data-testid="deploy-disabled-why">
            {environment} is frozen until {frozen.endsAtLocal} ({frozen.timeZone}): the deploy
            button waits for a written reason of {MIN_OVERRIDE_REASON} characters or more.
          </p>
        )}
        {error && (
          <p className="form-error" role="alert">
            {error.message}
          </p>
        )}
        <footer className="modal-footer">
          <button type="button" onClick={close}>
            Cancel
          </button>
          <button
            type="submit"
            className="primary"
            disabled={!release || pending !== null || building || overrideShort}
            data-testid="deploy-start"
          >
            {pending === 'deploy'
              ? 'Starting…'
              : frozen
                ? `Override the freeze and deploy to ${environment}`
                : `Deploy to ${environment}`}
          </button>
        </footer>
      </form>
    </DeployModal>
  )
}
