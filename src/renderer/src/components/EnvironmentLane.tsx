import type { EnvironmentConfig, HostConfig } from '../../../shared'

/** How a host reads on the board: its name, and where it is. */
function describeHost(host: HostConfig): { readonly label: string; readonly detail: string } {
  if ('local' in host) {
    return {
      label: host.name ?? 'local folder',
      detail: `${host.local}${host.port ? ` · port ${host.port}` : ''}`
    }
  }
  const target = `${host.user ? `${host.user}@` : ''}${host.host}`
  return {
    label: host.name ?? host.host,
    detail: `${target}${host.port ? ` · port ${host.port}` : ''} · ${host.path}`
  }
}

/** One environment lane: its configured hosts and, until deploys exist, the honest truth. */
export function EnvironmentLane({
  environment
}: {
  readonly environment: EnvironmentConfig
}): React.JSX.Element {
  const titleId = `lane-env-${environment.name}-title`
  const facts: string[] = []
  if (environment.deployOn === 'merge') facts.push('deploys on merge')
  if (environment.deployOn === 'manual') facts.push('deployed by hand')
  if (environment.promoteFrom) facts.push(`promoted from ${environment.promoteFrom}`)
  if (environment.approvals && environment.approvals.required > 0) {
    facts.push(
      `${environment.approvals.required} approval${environment.approvals.required === 1 ? '' : 's'}`
    )
  }
  return (
    <section
      className="lane lane-env"
      data-testid={`lane-env-${environment.name}`}
      aria-labelledby={titleId}
    >
      <header className="lane-header">
        <h2 id={titleId}>{environment.name}</h2>
        <span className="lane-count">
          {environment.hosts.length} host{environment.hosts.length === 1 ? '' : 's'}
        </span>
      </header>
      {facts.length > 0 && <p className="env-facts">{facts.join(' · ')}</p>}
      <ul className="host-list" aria-label={`Hosts of ${environment.name}`}>
        {environment.hosts.map((host, i) => {
          const { label, detail } = describeHost(host)
          return (
            <li key={i} className="host-card">
              <div className="host-name">{label}</div>
              <div className="host-detail" title={detail}>
                {detail}
              </div>
              <div className="host-state">Nothing deployed yet</div>
            </li>
          )
        })}
      </ul>
    </section>
  )
}

/** The muted lane shown when `slipway.yml` configures no environments. */
export function NoEnvironmentsLane(): React.JSX.Element {
  return (
    <section className="lane lane-env muted" data-testid="lane-env-none" aria-label="Environments">
      <header className="lane-header">
        <h2>Environments</h2>
      </header>
      <p className="lane-empty">
        No environments are configured. Add them under <code>environments:</code> in slipway.yml.
      </p>
    </section>
  )
}
