import { hostname } from 'node:os'
import type { EnvironmentConfig } from '../../../shared/config-schema'
import type { Deployment, FreezeOverride } from '../../../shared/deploy-models'
import type { LogBase } from './activation'
import { closeHosts, connectHosts, type ConnectedHost } from './connect-hosts'
import type { DeploymentTracker } from './deployment-tracker'
import { recordLocalDeployment } from './local-records'
import type { DeployContext } from './types'

/** The fields every host-log entry of one deployment or rollback carries. */
export function logBase(
  kind: LogBase['kind'],
  deployment: string,
  env: EnvironmentConfig,
  ctx: DeployContext,
  reason?: string,
  freezeOverride?: FreezeOverride
): LogBase {
  const base = {
    deployment,
    kind,
    environment: env.name,
    by: ctx.actor,
    machine: hostname(),
    ...(freezeOverride ? { freezeOverride } : {})
  }
  return reason?.trim() ? { ...base, reason: reason.trim() } : base
}

/**
 * The frame of a deployment or rollback: runs `body` with the hosts' connections (made here,
 * unless the caller connected them already: one connection per host per operation), always
 * closes them, then publishes the final Deployment (the hosts keep its record) and records it
 * on this machine too, where tickets read which environments their releases reached. Listeners
 * hear "finished" only once locks are released and connections closed.
 */
export async function runOperation(
  env: EnvironmentConfig,
  ctx: DeployContext,
  tracker: DeploymentTracker,
  body: (hosts: readonly ConnectedHost[]) => Promise<unknown>,
  connected?: readonly ConnectedHost[]
): Promise<Deployment> {
  env.hosts.forEach((_, i) => tracker.host(i, 'preflight', 'running', 'connecting'))
  const hosts = connected ?? (await connectHosts(env, ctx.transport))
  try {
    await body(hosts)
  } finally {
    await closeHosts(hosts)
  }
  const final = tracker.publish()
  await recordLocalDeployment(ctx.dataDir, final).catch(() => undefined)
  return final
}
