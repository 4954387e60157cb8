import type { EnvironmentConfig, HostConfig } from '../../../shared/config-schema'
import { deployTimeouts } from '../../../shared/timeouts'
import { connectTransport, hostLabel, type Transport, type TransportContext } from '../transport'
import { isExpected, type ExpectedError } from '../errors'
import { errorMessage } from './remote'

/** One host of an environment after connecting: its transport, or why it could not connect. */
export type ConnectedHost =
  | {
      readonly kind: 'connected'
      readonly index: number
      readonly label: string
      readonly config: HostConfig
      readonly transport: Transport
    }
  | {
      readonly kind: 'failed'
      readonly index: number
      readonly label: string
      readonly config: HostConfig
      readonly error: unknown
    }

/**
 * Connects every host of the environment in parallel, once per operation; never throws
 * (failures, including those that need the user, are values).
 */
export async function connectHosts(
  env: EnvironmentConfig,
  ctx: TransportContext
): Promise<ConnectedHost[]> {
  // The environment's timeouts; a connect bound the caller gave wins over the default only.
  const t = deployTimeouts(env)
  const own = env.timeouts?.connectSeconds !== undefined
  const hostCtx: TransportContext = {
    ...ctx,
    connectTimeoutMs: own ? t.connectMs : (ctx.connectTimeoutMs ?? t.connectMs),
    commandTimeoutMs: t.commandMs,
    uploadStallMs: t.uploadStallMs
  }
  return Promise.all(
    env.hosts.map(async (config, index): Promise<ConnectedHost> => {
      const label = hostLabel(config, ctx.workspacePath)
      try {
        const transport = await connectTransport(config, hostCtx)
        return { kind: 'connected', index, label, config, transport }
      } catch (error) {
        return { kind: 'failed', index, label, config, error }
      }
    })
  )
}

/** Closes every connected transport; close errors are ignored (the connection is gone anyway). */
export async function closeHosts(hosts: readonly ConnectedHost[]): Promise<void> {
  await Promise.all(
    hosts.map(async (h) => {
      if (h.kind === 'connected') await h.transport.close().catch(() => undefined)
    })
  )
}

/**
 * The first host whose connection needs the user (an unknown or changed host key, a key's
 * passphrase), or null. Such a host is a value like any failure; the deploy service answers
 * it as the error of `deployments.start` so the UI and the CLI can ask and start again.
 */
export function needsUserError(hosts: readonly ConnectedHost[]): ExpectedError | null {
  for (const h of hosts) {
    if (h.kind === 'failed' && isExpected(h.error, ...NEEDS_USER_CODES)) return h.error
  }
  return null
}

const NEEDS_USER_CODES = ['host-key-unknown', 'host-key-changed', 'passphrase-required'] as const

/** A one-line reason a host failed to connect. */
export function connectFailure(host: ConnectedHost & { kind: 'failed' }): string {
  return errorMessage(host.error)
}
