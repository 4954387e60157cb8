import type { BaseAgent } from 'ssh2'
import type { CredentialStore } from './credentials'
import type { HostTrustStore } from './host-trust-store'

/** What one command run on a host left behind. */
export interface ExecResult {
  readonly stdout: string
  readonly stderr: string
  /** Exit code; null when the command was ended by a signal. */
  readonly code: number | null
}

/** Options for {@link Transport.exec}. */
export interface ExecOptions {
  /** Written to the command's stdin, then closed (untrusted data goes here, not into the line). */
  readonly stdin?: Buffer | string
  /**
   * Stop the command after this long and throw ExpectedError('timeout'); default: the
   * transport's command timeout (`timeouts.commandSeconds`).
   */
  readonly timeoutMs?: number
  /** The slipway.yml setting `timeoutMs` comes from, named in the timeout error. */
  readonly timeoutSetting?: string
  /** Aborting stops the command and throws ExpectedError('cancelled'). */
  readonly signal?: AbortSignal
  /**
   * ssh only: run the command on a connection of its own that forwards this agent, closed when
   * the command ends, so no other command (hooks, the app) on the host ever sees the agent.
   */
  readonly forwardAgent?: BaseAgent
}

/** How another host reaches an SSH host as this machine does: address, port, user, its key. */
export interface SshPeer {
  /** The name or address this machine connected to (after ~/.ssh/config HostName). */
  readonly hostName: string
  readonly port: number
  readonly user: string
  /** The host key this machine verified (`ssh-ed25519 AAAA…`), or null when unknown. */
  readonly hostKey: string | null
}

/** Options for {@link Transport.upload}. */
export interface UploadOptions {
  /** Bytes sent so far and the file's size; called as the copy advances. */
  readonly onProgress?: (sent: number, total: number) => void
  readonly signal?: AbortSignal
}

/** One connection to one host; reused for every step; bounded channels (<= 8 at once per ssh connection). */
export interface Transport {
  readonly kind: 'ssh' | 'local'
  /** Display name: config `name`, else `user@host:port` or the local folder. */
  readonly label: string
  /** Address for health-check URLs ({host}): the ssh HostName, or 127.0.0.1 for local. */
  readonly address: string
  /** Absolute deploy path on the host (ssh: config `path`; local: the folder resolved against the workspace). */
  readonly basePath: string
  /** ssh only: where and as whom the host was reached, and the host key verified. */
  readonly sshPeer?: SshPeer
  /**
   * Runs a POSIX `sh` command line on the host. Every untrusted value inside MUST be wrapped
   * with shellQuote(). Never throws for a non-zero exit (see code); throws
   * ExpectedError('unreachable' | 'timeout' | 'cancelled') when the host cannot run it.
   * Like OpenSSH, it settles when the command's output is closed: a background process
   * started by the command must redirect its stdout and stderr or the call waits for it.
   */
  exec(command: string, options?: ExecOptions): Promise<ExecResult>
  /** Streams a local file to an absolute path on the host (ssh: SFTP; local: copy), with progress; throws ExpectedError('unreachable'|'cancelled') on failure. */
  upload(localPath: string, remotePath: string, options?: UploadOptions): Promise<void>
  /**
   * Payload bytes this side has sent so far: command lines, stdin and file bytes (ssh: before
   * SSH framing and encryption, which add well under 1 % to bulk transfers).
   */
  readonly bytesSent: number
  /** Closes the connection; further calls throw ExpectedError('unreachable'). */
  close(): Promise<void>
}

/** What {@link connectTransport} needs besides the host's own config. */
export interface TransportContext {
  /** Resolves `local:` folders. */
  readonly workspacePath: string
  /** known_hosts + Slipway's own trusted keys (file under the data dir). */
  readonly trust: HostTrustStore
  /** ssh-agent, key files, passphrases kept in memory only. */
  readonly credentials: CredentialStore
  /** Default ~/.ssh/config; null reads none. */
  readonly sshConfigPath?: string | null
  /** Opening an SSH connection (`timeouts.connectSeconds`); default 10_000. */
  readonly connectTimeoutMs?: number
  /** Each command without its own timeout (`timeouts.commandSeconds`); default 300_000. */
  readonly commandTimeoutMs?: number
  /** An upload with no byte acknowledged for this long fails (`timeouts.uploadStallSeconds`); default 30_000. */
  readonly uploadStallMs?: number
}
