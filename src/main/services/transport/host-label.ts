import { resolve } from 'node:path'
import type { HostConfig } from '../../../shared/config-schema'

/** A `host:` value of slipway.yml split into the name and an optional SSH port. */
export interface SshTarget {
  /** Host alias or address as written (looked up in ~/.ssh/config), without brackets. */
  readonly host: string
  /** SSH port when written as `name:port` or `[address]:port`. */
  readonly port?: number
}

/**
 * Splits `host:` into name and SSH port: `web1`, `web1:2222`, `[::1]:2222`, `::1`.
 * The config's `port` field is the app's port (health checks, SLIPWAY_PORT), not SSH's.
 */
export function parseSshTarget(value: string): SshTarget {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(value)
  if (bracketed) {
    return bracketed[2]
      ? { host: bracketed[1], port: Number(bracketed[2]) }
      : { host: bracketed[1] }
  }
  const colon = value.indexOf(':')
  if (colon > 0 && colon === value.lastIndexOf(':') && /^\d+$/.test(value.slice(colon + 1))) {
    return { host: value.slice(0, colon), port: Number(value.slice(colon + 1)) }
  }
  return { host: value }
}

/** How a host of the config is displayed (label) — used by status and progress. */
export function hostLabel(host: HostConfig, workspacePath: string): string {
  if (host.name) return host.name
  if ('local' in host) return resolve(workspacePath, host.local)
  const target = parseSshTarget(host.host)
  const name = target.host.includes(':') ? `[${target.host}]` : target.host
  return `${host.user ? `${host.user}@` : ''}${name}${target.port ? `:${target.port}` : ''}`
}
