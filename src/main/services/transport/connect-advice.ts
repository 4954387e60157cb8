// What to do next when an SSH connection cannot be made, said where the error is raised so the
// board, the deploy dialog and the CLI all show the same advice.

/** Where a connection was going: `user@host:port` and the host's `host:port`. */
export interface ConnectTarget {
  readonly user: string
  readonly hostName: string
  readonly port: number
}

function hostPort(t: ConnectTarget): string {
  return t.hostName.includes(':') ? `[${t.hostName}]:${t.port}` : `${t.hostName}:${t.port}`
}

function where(t: ConnectTarget): string {
  return `${t.user}@${hostPort(t)}`
}

/** No ssh-agent and no key file: nothing to log in with. */
export function noIdentityMessage(t: ConnectTarget): string {
  return (
    `no SSH identity for ${where(t)} (no ssh-agent and no key file found): ` +
    `add a key with ssh-add, or set IdentityFile for this host in ~/.ssh/config`
  )
}

/** The host refused every key offered (`tried`: "ssh-agent" or key files). */
export function keysRefusedMessage(t: ConnectTarget, tried: readonly string[]): string {
  return (
    `${where(t)} refused every SSH key offered (${tried.join(', ')}): ` +
    `add this machine's public key to ~${t.user}/.ssh/authorized_keys on the host, ` +
    `or set IdentityFile for this host in ~/.ssh/config to a key it accepts`
  )
}

/**
 * A socket-level failure (`code` from Node: ECONNREFUSED, ENOTFOUND…) as a sentence with the next
 * step; other failures keep the system's own words.
 */
export function socketFailureMessage(
  t: ConnectTarget,
  code: string | undefined,
  systemMessage: string
): string {
  const at = hostPort(t)
  switch (code) {
    case 'ECONNREFUSED':
      return `cannot reach ${where(t)}: connection refused. Is sshd running on ${at}?`
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return (
        `cannot reach ${where(t)}: the name ${t.hostName} does not resolve. ` +
        `Check the host in slipway.yml (or its HostName in ~/.ssh/config)`
      )
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return (
        `cannot reach ${where(t)}: no route to ${t.hostName}. ` +
        `Is the host up, and is this machine on its network (VPN)?`
      )
    case 'ECONNRESET':
      return (
        `cannot reach ${where(t)}: the connection was closed before SSH started. ` +
        `Is it sshd that listens on ${at}?`
      )
    default:
      return `cannot reach ${where(t)}: ${systemMessage}`
  }
}
