import { isIP } from 'node:net'
import { userInfo } from 'node:os'
import type { HostConfig } from '../../../shared/config-schema'
import { DEFAULT_TIMEOUTS } from '../../../shared/timeouts'
import { ExpectedError } from '../errors'
import { hostLabel, parseSshTarget } from './host-label'
import { createLocalTransport } from './local-transport'
import { parseProxyJump, type SshHostSettings } from './ssh-config'
import { resolveHostSettings } from './ssh-config-eval'
import type { SshEndpoint } from './ssh-connect'
import { connectSshTransport } from './ssh-open'
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
    return createLocalTransport({
      folder: host.local,
      workspacePath: ctx.workspacePath,
      label,
      commandTimeoutMs: ctx.commandTimeoutMs ?? DEFAULT_TIMEOUTS.commandSeconds * 1000
    })
  }
  const settingsOf = (alias: string): Promise<SshHostSettings> =>
    resolveHostSettings(alias, { configPath: ctx.sshConfigPath })
  const target = parseSshTarget(host.host)
  const settings = await settingsOf(target.host)
  const endpoint = resolveEndpoint(settings, target.host, host.user, target.port)
  const jumpValue = settings.proxyJump
  let jumps: SshEndpoint[] = []
  if (jumpValue) {
    try {
      const hops = parseProxyJump(jumpValue)
      jumps = await Promise.all(
        hops.map(async (hop) =>
          resolveEndpoint(await settingsOf(hop.host), hop.host, hop.user, hop.port)
        )
      )
    } catch (e) {
      throw new ExpectedError('bad-config', `~/.ssh/config: ${(e as Error).message}`, {
        host: label,
        proxyJump: jumpValue
      })
    }
  }
  return connectSshTransport(
    {
      label,
      basePath: host.path,
      endpoint,
      jumps,
      commandTimeoutMs: ctx.commandTimeoutMs ?? DEFAULT_TIMEOUTS.commandSeconds * 1000,
      uploadStallMs: ctx.uploadStallMs ?? DEFAULT_TIMEOUTS.uploadStallSeconds * 1000
    },
    {
      trust: ctx.trust,
      credentials: ctx.credentials,
      connectTimeoutMs: ctx.connectTimeoutMs ?? DEFAULT_TIMEOUTS.connectSeconds * 1000
    }
  )
}

/**
 * An alias, with explicit user and port winning over ~/.ssh/config, as on OpenSSH's command
 * line; known_hosts files and HostKeyAlias as the config says.
 */
function resolveEndpoint(
  s: SshHostSettings,
  alias: string,
  user: string | undefined,
  port: number | undefined
): SshEndpoint {
  const configured = s.userKnownHostsFiles ?? s.globalKnownHostsFiles
  if (s.bindAddress !== undefined && !isIP(s.bindAddress)) {
    throw new ExpectedError(
      'bad-config',
      `~/.ssh/config: BindAddress for ${alias} must be an IP address of this machine, not "${s.bindAddress}"`,
      { host: alias, bindAddress: s.bindAddress }
    )
  }
  return {
    hostName: s.hostName ?? alias,
    port: port ?? s.port ?? 22,
    user: user ?? s.user ?? userInfo().username,
    identityFiles: s.identityFiles,
    ...(s.hostKeyAlias ? { hostKeyAlias: s.hostKeyAlias } : {}),
    ...(s.bindAddress ? { bindAddress: s.bindAddress } : {}),
    ...(configured
      ? {
          knownHostsFiles: {
            user: s.userKnownHostsFiles ?? null,
            global: s.globalKnownHostsFiles ?? null
          }
        }
      : {})
  }
}
