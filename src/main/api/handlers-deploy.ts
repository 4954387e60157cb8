import { join } from 'node:path'
import type { deployMethods } from '../../shared/contract-deploy'
import { currentActor, DeploymentRegistry, DeployService } from '../services/deploy'
import { ExpectedError } from '../services/errors'
import { CredentialStore, HostTrustStore, type TransportContext } from '../services/transport'
import { workspaceDataDir } from '../services/workspace'
import type { DomainHandlers, HandlerContext } from './handlers'
import type { ErrorLog } from '../services/log'

/** Handlers of the release, deployment and environment methods. */
export function createDeployHandlers(
  ctx: HandlerContext
): DomainHandlers<keyof typeof deployMethods> {
  // Failures of background deployments are bugs of Slipway: the router's log keeps their stack.
  const log: ErrorLog = ctx.log
  // One trust store and one credential store per router: passphrases live as long as it does.
  const trust = new HostTrustStore({ trustedFile: join(ctx.dataDir, 'trusted_hosts') })
  const credentials = new CredentialStore()
  const deployments = new DeploymentRegistry()
  const actor = currentActor()
  let service: DeployService | null = null

  ctx.session.onOpen((workspace) => {
    const transport: TransportContext = { workspacePath: workspace.path, trust, credentials }
    const dataDir = workspaceDataDir(ctx.dataDir, workspace.path)
    // A data folder we cannot create surfaces on the first call that needs it.
    dataDir.catch(() => undefined)
    const opened = new DeployService({
      workspace,
      dataDir,
      transport,
      actor,
      emit: ctx.emit,
      log,
      deployments
    })
    service = opened
    return () => {
      // Running deployments go on (they hold host locks and must finish or roll back).
      if (service === opened) service = null
    }
  })

  const open = (): DeployService => {
    ctx.session.require()
    if (!service) throw new ExpectedError('no-workspace', 'No workspace is open.')
    return service
  }

  return {
    'releases.list': async () => open().listReleases(),
    'releases.create': async ({ commit }) => open().createRelease(commit),
    'releases.prune': async ({ keep }) => ({ removed: await open().pruneReleases(keep) }),
    'environments.status': async ({ environment }) => open().status(environment),
    'environments.rollback': async ({ environment, to }) => open().rollback(environment, to),
    'environments.breakLock': async ({ environment, reason }) => {
      await open().breakLock(environment, reason)
      return { ok: true as const }
    },
    'deployments.start': async ({ release, environment, reason }) =>
      open().deploy(release, environment, reason),
    'deployments.cancel': async ({ id }) => {
      const deployment = deployments.get(id)
      if (!deployment) {
        throw new ExpectedError('not-found', `no deployment ${id} in this session`, { id })
      }
      deployments.cancel(id)
      return deployments.get(id) ?? deployment
    },
    'deployments.list': async () => deployments.list(),
    'hosts.scan': async ({ environment }) => open().scanHosts(environment),
    'hosts.trustKey': async ({ host, port, keyType, key }) => {
      await trust.trust(host, port, keyType, key)
      return { ok: true as const }
    },
    'credentials.setPassphrase': async ({ keyFile, passphrase }) => {
      credentials.setPassphrase(keyFile, passphrase)
      return { ok: true as const }
    }
  }
}
