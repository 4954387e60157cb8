import type { AppEvent } from '../../../shared/contract'
import type { EnvironmentConfig } from '../../../shared/config-schema'
import type { Deployment } from '../../../shared/deploy-models'
import type { ErrorLog } from '../log'
import type { TransportContext } from '../transport'
import { closeHosts, connectHosts, needsUserError, type ConnectedHost } from './connect-hosts'
import type { DeploymentRegistry } from './deployment-registry'
import type { DeployContext, DeployEvent, DeployRecorder } from './types'

/** A deployment that started: its first state, and its end. */
export interface Started {
  readonly first: Promise<Deployment>
  readonly finished: Promise<Deployment>
}

/** What the engine runs once every host is connected: a deployment or a rollback. */
export type DeploymentRun = (
  ctx: DeployContext,
  signal: AbortSignal,
  hosts: readonly ConnectedHost[]
) => Promise<Deployment>

/** One deployment or rollback to start, and what it reports to. */
export interface StartInput {
  readonly env: EnvironmentConfig
  readonly reason: string | undefined
  /** The environment's key in the registry (workspace and name). */
  readonly key: string
  readonly deployments: DeploymentRegistry
  readonly transport: TransportContext
  readonly emit: (event: AppEvent) => void
  readonly log: ErrorLog
  readonly recorder?: DeployRecorder
  readonly context: (onEvent: (e: DeployEvent) => void) => Promise<DeployContext>
  /** Reads the environment again once it has ended and pushes it. */
  readonly announce: () => Promise<void>
  readonly run: DeploymentRun
}

/**
 * Starts a deployment or rollback in the background: reserves the environment, connects each
 * host once (a host key or passphrase that needs the user is this call's answer, before
 * anything starts), and reports every state as `deployments.changed` and to the recorder. An
 * engine that throws ends as `failed` with a summary saying to read the hosts again.
 */
export async function startDeployment(input: StartInput): Promise<Started> {
  const { env, reason, key, deployments, emit, log, recorder, run } = input
  const told = (d: Deployment): void => {
    emit({ event: 'deployments.changed', payload: { deployment: d } })
    recorder?.deployment(d, reason ?? null)
  }
  const unreserve = deployments.reserve(key, env.name)
  const controller = new AbortController()
  let latest: Deployment | null = null
  let resolveFirst: (d: Deployment) => void = () => {}
  const first = new Promise<Deployment>((resolve) => (resolveFirst = resolve))
  const onEvent = (e: DeployEvent): void => {
    const isFirst = latest === null
    latest = e.deployment
    deployments.record(e.deployment, controller)
    if (isFirst) deployments.bind(key, e.deployment.id)
    told(e.deployment)
    if (isFirst) resolveFirst(e.deployment)
  }
  let running: Promise<Deployment>
  let hosts: readonly ConnectedHost[] = []
  try {
    // The one connection per host of this operation. A host key or a passphrase needs the
    // user: that is the answer of this call, before anything is started on any host.
    hosts = await connectHosts(env, input.transport)
    const asked = needsUserError(hosts)
    if (asked) throw asked
    const connected = hosts
    running = run(await input.context(onEvent), controller.signal, connected).finally(() =>
      // The engine closes them; this covers an engine that refused before it began.
      closeHosts(connected)
    )
  } catch (err) {
    await closeHosts(hosts)
    unreserve()
    throw err
  }
  const finished = running.then(
    (final) => {
      deployments.record(final)
      told(final)
      return final
    },
    (err: unknown) => {
      log(`the ${env.name} deployment failed unexpectedly`, err)
      if (!latest) throw err
      const failed: Deployment = {
        ...(latest as Deployment),
        status: 'failed',
        finishedAt: new Date().toISOString(),
        version: (latest as Deployment).version + 1,
        summary: 'Slipway failed unexpectedly; read every host before deploying again.'
      }
      deployments.record(failed)
      told(failed)
      return failed
    }
  )
  void finished
    .catch(() => undefined)
    .finally(() => {
      const current = latest as Deployment | null
      if (current) deployments.release(key, current.id)
      unreserve()
      void input.announce()
    })
  return { first, finished }
}
