import type { HostKeyScan } from '../../../shared/contract-deploy'
import type { EnvironmentConfig, HostConfig } from '../../../shared/config-schema'
import { ExpectedError, isExpected } from '../errors'
import { connectTransport, hostLabel, parseSshTarget, type TransportContext } from '../transport'

/** Connects to every SSH host of `env` once, in parallel, and reports each host key. */
export async function scanHostKeys(
  env: EnvironmentConfig,
  ctx: TransportContext
): Promise<HostKeyScan[]> {
  return Promise.all(env.hosts.map((host) => scanOne(host, ctx)))
}

async function scanOne(host: HostConfig, ctx: TransportContext): Promise<HostKeyScan> {
  const label = hostLabel(host, ctx.workspacePath)
  if ('local' in host) {
    return {
      host: label,
      address: '127.0.0.1',
      port: 0,
      state: 'local',
      keyType: null,
      key: null,
      fingerprint: null,
      message: 'a folder on this machine: no host key'
    }
  }
  // The SSH port is part of `host` (`name:port`); the config's `port` is the app's.
  const target = parseSshTarget(host.host)
  const port = target.port ?? 22
  const base = { host: label, address: target.host, port }
  try {
    const transport = await connectTransport(host, ctx)
    await transport.close()
    return {
      ...base,
      state: 'trusted',
      keyType: null,
      key: null,
      fingerprint: null,
      message: 'host key trusted'
    }
  } catch (err) {
    if (!(err instanceof ExpectedError)) throw err
    if (isExpected(err, 'host-key-unknown', 'host-key-changed')) {
      const d = err.details
      return {
        host: label,
        address: d.host,
        port: d.port,
        state: err.code === 'host-key-unknown' ? 'unknown' : 'changed',
        keyType: d.keyType,
        key: d.key,
        fingerprint: d.fingerprint,
        message: err.message
      }
    }
    return {
      ...base,
      state: 'unreachable',
      keyType: null,
      key: null,
      fingerprint: null,
      message: err.message
    }
  }
}
