import type { EnvironmentConfig, HostConfig } from '../../../shared/config-schema'
import { connectTransport, hostLabel, type Transport, type TransportContext } from '../transport'
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

/** Connects every host of the environment in parallel; never throws (failures are values). */
export async function connectHosts(
  env: EnvironmentConfig,
  ctx: TransportContext
): Promise<ConnectedHost[]> {
  return Promise.all(
    env.hosts.map(async (config, index): Promise<ConnectedHost> => {
      const label = hostLabel(config, ctx.workspacePath)
      try {
        const transport = await connectTransport(config, ctx)
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

/** A one-line reason a host failed to connect. */
export function connectFailure(host: ConnectedHost & { kind: 'failed' }): string {
  return errorMessage(host.error)
}
