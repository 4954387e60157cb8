import { join } from 'node:path'
import type { deployMethods } from '../../shared/contract-deploy'
import type { Workspace } from '../../shared/models'
import {
  currentActor,
  DeploymentRegistry,
  DeployService,
  type DeployRecorder
} from '../services/deploy'
import { ExpectedError } from '../services/errors'
import { CredentialStore, HostTrustStore } from '../services/transport'
import { workspaceDataDir } from '../services/workspace'
import type { DomainHandlers, HandlerContext } from './handlers'
import { perWorkspace } from './per-workspace'
import type { ErrorLog } from '../services/log'

/** The deploy domain as the handler table and its neighbours (merge and release) see it. */
export interface DeployDomain {
  readonly handlers: DomainHandlers<keyof typeof deployMethods>
  /** The open workspace's deploy service (`ExpectedError('no-workspace')` when none is open). */
  service(): DeployService
}

/** Handlers of the release, deployment and environment methods, and the service under them. */
export function createDeployDomain(
  ctx: HandlerContext,
  /** Who records a workspace's releases, deployments and lock breaks (the ledger). */
  recorderFor?: (workspace: Workspace) => DeployRecorder
): DeployDomain {
  // Failures of background deployments are bugs of Slipway: the router's log keeps their stack.
  const log: ErrorLog = ctx.log
  // One trust store and one credential store per router: passphrases live as long as it does.
  const trust = new HostTrustStore({ trustedFile: join(ctx.dataDir, 'trusted_hosts') })
  const credentials = new CredentialStore()
  const deployments = new DeploymentRegistry()
  const actor = currentActor()
  const deploy = perWorkspace(ctx.session, (workspace) => {
    const dataDir = workspaceDataDir(ctx.dataDir, workspace.path)
    // A data folder we cannot create surfaces on the first call that needs it.
    dataDir.catch(() => undefined)
    // Running deployments go on when the workspace closes (they hold host locks and must
    // finish or roll back), so there is nothing to stop.
    return new DeployService({
      workspace,
      dataDir,
      transport: { workspacePath: workspace.path, trust, credentials },
      actor,
      emit: ctx.emit,
      log,
      deployments,
      requireTrust: (what) => ctx.trust.require(workspace, what),
      ...(recorderFor ? { recorder: recorderFor(workspace) } : {})
    })
  })

  const handlers: DeployDomain['handlers'] = {
    'releases.list': async () => deploy().listReleases(),
    'releases.create': async ({ commit }) => deploy().createRelease(commit),
    'releases.prune': async ({ keep }) => ({ removed: await deploy().pruneReleases(keep) }),
    'environments.status': async ({ environment }) => deploy().status(environment),
    'environments.rollback': async ({ environment, to, reason }) =>
      deploy().rollback(environment, to, reason),
    'environments.breakLock': async ({ environment, reason }) => {
      await deploy().breakLock(environment, reason)
      return { ok: true as const }
    },
    'deployments.start': async ({ release, environment, reason, overrideFreeze }) =>
      deploy().deploy(release, environment, reason, overrideFreeze),
    'deployments.cancel': async ({ id }) => {
      const deployment = deployments.get(id)
      if (!deployment) {
        throw new ExpectedError('not-found', `no deployment ${id} in this session`, { id })
      }
      deployments.cancel(id)
      return deployments.get(id) ?? deployment
    },
    'deployments.list': async () => deploy().listDeployments(),
    'deployments.history': async ({ environment, limit }) => deploy().history(environment, limit),
    'hosts.scan': async ({ environment }) => deploy().scanHosts(environment),
    'hosts.trustKey': async ({ host, port, keyType, key }) => {
      await trust.trust(host, port, keyType, key)
      return { ok: true as const }
    },
    'credentials.setPassphrase': async ({ keyFile, passphrase }) => {
      credentials.setPassphrase(keyFile, passphrase)
      return { ok: true as const }
    }
  }
  return { handlers, service: deploy }
}
