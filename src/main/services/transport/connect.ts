import { userInfo } from 'node:os'
import type { HostConfig } from '../../../shared/config-schema'
import { ExpectedError } from '../errors'
import { hostLabel, parseSshTarget } from './host-label'
import { createLocalTransport } from './local-transport'
import { loadSshConfig, parseProxyJump, type SshConfig } from './ssh-config'
import type { SshEndpoint } from './ssh-connect'
import { connectSshTransport } from './ssh-transport'
import type { Transport, TransportContext } from './types'

/**
 * Connects (ssh) or prepares (local) a transport for one host of slipway.yml. The SSH port comes
 * from `host: name:port` (or `[addr]:port`), else ~/.ssh/config, else 22; the config's `port` is
 * the app's. Host-key problems throw ExpectedError('host-key-unknown' | 'host-key-changed', msg,
 * { host, port, keyType, fingerprint: 'SHA256:…', key }); an encrypted key without a known
 * passphrase throws ExpectedError('passphrase-required', msg, { keyFile }); anything else that
 * stops the connection is 'unreachable'.
 */
export async function connectTransport(
  host: HostConfig,
  ctx: TransportContext
): Promise<Transport> {
  const label = hostLabel(host, ctx.workspacePath)
  if ('local' in host) {
    return createLocalTransport({ folder: host.local, workspacePath: ctx.workspacePath, label })
  }
  const config = await loadSshConfig(ctx.sshConfigPath)
  const target = parseSshTarget(host.host)
  const endpoint = resolveEndpoint(config, target.host, host.user, target.port)
  const jumpValue = config.resolve(target.host).proxyJump
  let jumps: SshEndpoint[] = []
  if (jumpValue) {
    try {
      jumps = parseProxyJump(jumpValue).map((hop) =>
        resolveEndpoint(config, hop.host, hop.user, hop.port)
      )
    } catch (e) {
      throw new ExpectedError('bad-config', `~/.ssh/config: ${(e as Error).message}`, {
        host: label,
        proxyJump: jumpValue
      })
    }
  }
  return connectSshTransport(
    { label, basePath: host.path, endpoint, jumps },
    {
      trust: ctx.trust,
      credentials: ctx.credentials,
      connectTimeoutMs: ctx.connectTimeoutMs ?? 10_000
    }
  )
}

/** An alias, with explicit user and port winning over ~/.ssh/config, as on OpenSSH's command line. */
function resolveEndpoint(
  config: SshConfig,
  alias: string,
  user: string | undefined,
  port: number | undefined
): SshEndpoint {
  const s = config.resolve(alias)
  return {
    hostName: s.hostName ?? alias,
    port: port ?? s.port ?? 22,
    user: user ?? s.user ?? userInfo().username,
    identityFiles: s.identityFiles
  }
}
