import { stat } from 'node:fs/promises'
import type { BaseAgent, Client, SFTPWrapper } from 'ssh2'
import { DEFAULT_TIMEOUTS, timeoutText } from '../../../shared/timeouts'
import { ExpectedError } from '../errors'
import { execTimedOut, execTimeout } from './exec-timeout'
import { collectExec } from './ssh-exec-stream'
import { killRemoteGroup } from './ssh-kill'
import { Semaphore } from './semaphore'
import { shellQuote } from './shell-quote'
import { verifiedHostKey } from './ssh-connect'
import { execForwarding } from './ssh-forwarding'
import type { SshTransportOptions } from './ssh-open'
import type { ExecOptions, ExecResult, SshPeer, Transport, UploadOptions } from './types'

/** How long close() waits for the host to close its side before dropping the socket. */
const CLOSE_GRACE_MS = 2000

/** How long a command waits for a host that refuses a channel (MaxSessions) to free one. */
const CHANNEL_REFUSED_PATIENCE_MS = 10_000

/** OpenSSH allows 10 sessions per connection; keep two spare (SFTP, a jump's forward). */
export const MAX_CHANNELS = 8

/** One SSH connection (the last of its hops) as a {@link Transport}; see connectSshTransport. */
export class SshTransport implements Transport {
  readonly kind = 'ssh' as const
  readonly label: string
  readonly address: string
  readonly basePath: string
  readonly sshPeer: SshPeer
  private readonly reopen: ((agent?: BaseAgent) => Promise<Transport>) | null
  private readonly client: Client
  private readonly clients: readonly Client[]
  private readonly channels = new Semaphore(MAX_CHANNELS)
  /** Command channels open or opening now. */
  private open = 0
  private sftp: Promise<SFTPWrapper> | null = null
  private lost: ExpectedError | null = null
  private readonly inFlight = new Set<(e: ExpectedError) => void>()
  private readonly closed: Promise<void>
  private sent = 0
  /** When an upload on this connection last had bytes acknowledged by the host (ms). */
  private lastAckAt = -Infinity
  private readonly commandTimeoutMs: number | undefined
  private readonly uploadStallMs: number

  constructor(
    options: SshTransportOptions,
    clients: readonly Client[],
    /** Opens the same hops again, an agent forwarded if given (see ExecOptions.forwardAgent). */
    reopen?: (agent?: BaseAgent) => Promise<Transport>
  ) {
    this.reopen = reopen ?? null
    this.commandTimeoutMs = options.commandTimeoutMs
    this.uploadStallMs = options.uploadStallMs ?? DEFAULT_TIMEOUTS.uploadStallSeconds * 1000
    this.label = options.label
    this.address = options.endpoint.hostName
    this.basePath = options.basePath
    this.clients = clients
    this.client = clients[clients.length - 1]
    this.sshPeer = {
      hostName: options.endpoint.hostName,
      port: options.endpoint.port,
      user: options.endpoint.user,
      hostKey: verifiedHostKey(this.client)
    }
    this.closed = new Promise((resolve) => this.client.once('close', () => resolve()))
    for (const c of clients) {
      c.on('error', (e: Error) => this.drop(e.message))
      c.on('close', () => this.drop('closed'))
    }
  }

  /** The connection is unusable: every call in flight and every later one fails at once. */
  private drop(reason: string): void {
    if (this.lost) return
    this.fail(
      new ExpectedError('unreachable', `${this.label}: connection lost (${reason})`, {
        host: this.label,
        reason
      })
    )
    for (const c of this.clients) c.end()
  }

  /** Fails every call in flight, and every later one, with `lost`. */
  private fail(lost: ExpectedError): void {
    this.lost = lost
    for (const reject of this.inFlight) reject(lost)
    this.inFlight.clear()
  }

  get bytesSent(): number {
    return this.sent
  }

  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    if (options.forwardAgent) {
      if (this.lost) return Promise.reject(this.lost)
      const count = (n: number): number => (this.sent += n)
      return execForwarding(this.label, this.reopen, options.forwardAgent, command, options, count)
    }
    return this.channels.run(async () => {
      // A server with a lower MaxSessions than our bound refuses extra channels: wait for one
      // of ours to close and try again, rather than failing a healthy host. sshd frees a slot
      // only after it has processed a channel's close and reaped the session's shell, so a
      // refusal can come well after our own count dropped (over 0.5 s on a loaded host): retry
      // for up to CHANNEL_REFUSED_PATIENCE_MS from the first refusal.
      let refusedSince: number | null = null
      for (let attempt = 1; ; attempt++) {
        try {
          this.open += 1
          return await this.execOnChannel(command, options)
        } catch (e) {
          const refused = e instanceof ExpectedError && e.details.reason === 'channel-open'
          if (!refused) throw e
          refusedSince ??= Date.now()
          if (Date.now() - refusedSince >= CHANNEL_REFUSED_PATIENCE_MS) throw e
        } finally {
          this.open -= 1
        }
        await new Promise((r) => setTimeout(r, Math.min(10 * attempt, 100)))
        if (options.signal?.aborted) throw this.cancelled(command)
      }
    })
  }

  private execOnChannel(command: string, options: ExecOptions): Promise<ExecResult> {
    return this.tracked(command, (resolve, reject) => {
      if (options.signal?.aborted) return reject(this.cancelled(command))
      // The session's shell leads its own process group (sshd calls setsid): it reports its pid
      // first on stderr so a timeout or cancel can kill the group; OpenSSH ignores the
      // channel's own signal request here.
      // Like the local transport, start in the deploy folder when it exists.
      const line = `printf '%s\\n' "$$" >&2; cd ${shellQuote(this.basePath)} 2>/dev/null || :\n${command}`
      this.sent += Buffer.byteLength(line) + Buffer.byteLength(options.stdin ?? '')
      // The bound covers opening the channel too: a frozen host never confirms it.
      const timeout = execTimeout(options, this.commandTimeoutMs)
      const deadline = Date.now() + timeout.ms
      let gaveUp = false
      const openTimer = setTimeout(() => {
        gaveUp = true
        reject(execTimedOut(this.label, command, timeout))
        // An upload on this connection is still being acknowledged: the host answers, and the
        // channel's request waits behind the upload's bytes on a slow uplink. Only this
        // command gives up; dropping the connection would fail a healthy upload.
        if (Date.now() - this.lastAckAt < timeout.ms) return
        // Not even the channel was confirmed: the host stopped answering (frozen, cut off).
        // Later steps on it would each wait their own timeout; they fail at once instead.
        this.drop(`no answer within ${timeoutText(timeout.ms, timeout.setting ?? undefined)}`)
      }, timeout.ms)
      this.client.exec(line, (err, stream) => {
        clearTimeout(openTimer)
        if (gaveUp) {
          // Opened after all, too late: close it (its command may already run; kill by pid
          // is impossible without its first line, so let the host's shell end on its own).
          if (!err) {
            stream.resume()
            stream.stderr.resume()
            stream.close()
          }
          return
        }
        if (err) {
          return reject(
            this.lost ??
              new ExpectedError(
                'unreachable',
                `${this.label}: cannot run a command: ${err.message}`,
                { host: this.label, command, reason: 'channel-open' }
              )
          )
        }
        const context = {
          label: this.label,
          command,
          options,
          timeout,
          deadline,
          lost: () => this.lost,
          killGroup: (pid: number) => this.killGroup(pid),
          cancelled: () => this.cancelled(command)
        }
        collectExec(stream, context, resolve, reject)
      })
    })
  }

  /** Kills a remote process group; see killRemoteGroup. */
  private killGroup(pid: number): void {
    killRemoteGroup(this.client, pid, this.lost ? null : this.reopen)
  }

  async upload(localPath: string, remotePath: string, options: UploadOptions = {}): Promise<void> {
    let total: number
    try {
      total = (await stat(localPath)).size
    } catch (e) {
      throw new ExpectedError('not-found', `cannot read ${localPath}: ${(e as Error).message}`, {
        localPath
      })
    }
    const what = `upload ${remotePath}`
    const stallMs = this.uploadStallMs
    let acked = 0
    await this.tracked<void>(what, (resolve, reject) => {
      if (options.signal?.aborted) return reject(this.cancelled(what))
      let done = false
      let session: SFTPWrapper | null = null
      // fastPut cannot be stopped on its own: ending the SFTP session fails it at once.
      const abandon = (): void => {
        this.sftp = null
        session?.end()
      }
      const finish = (error: ExpectedError | null): void => {
        if (done) return
        done = true
        clearTimeout(watchdog)
        options.signal?.removeEventListener('abort', onAbort)
        if (error) reject(error)
        else resolve(undefined)
      }
      // A host that stops acknowledging (frozen, a full network path) is given up after
      // `timeouts.uploadStallSeconds` without a byte, however large the file.
      const onStall = (): void => {
        abandon()
        const stalled = timeoutText(stallMs, 'timeouts.uploadStallSeconds')
        finish(
          new ExpectedError(
            'timeout',
            `${this.label}: upload to ${remotePath} stalled: no byte acknowledged for ${stalled}`,
            { host: this.label, localPath, remotePath, acked, total, timeoutMs: stallMs }
          )
        )
        this.drop(`upload stalled for ${stalled}`)
      }
      let watchdog = setTimeout(onStall, stallMs)
      const onAbort = (): void => {
        abandon()
        finish(this.cancelled(what))
      }
      options.signal?.addEventListener('abort', onAbort, { once: true })
      this.openSftp().then(
        (sftp) => {
          if (done) return
          session = sftp
          options.onProgress?.(0, total)
          sftp.fastPut(
            localPath,
            remotePath,
            {
              concurrency: 64,
              chunkSize: 32 * 1024,
              step: (sent) => {
                if (done) return
                clearTimeout(watchdog)
                watchdog = setTimeout(onStall, stallMs)
                this.lastAckAt = Date.now()
                this.sent += sent - acked
                acked = sent
                options.onProgress?.(sent, total)
              }
            },
            (err) => {
              if (done) return
              if (!err) {
                this.sent += total - acked
                return finish(null)
              }
              finish(
                this.lost ??
                  new ExpectedError(
                    'unreachable',
                    `${this.label}: upload to ${remotePath} failed: ${err.message}`,
                    { host: this.label, localPath, remotePath }
                  )
              )
            }
          )
        },
        (e: ExpectedError) => finish(e)
      )
    })
  }

  private openSftp(): Promise<SFTPWrapper> {
    if (!this.sftp) {
      const opening = this.tracked<SFTPWrapper>('sftp', (resolve, reject) => {
        this.client.sftp((err, sftp) => {
          if (err) {
            reject(
              this.lost ??
                new ExpectedError('unreachable', `${this.label}: no SFTP: ${err.message}`, {
                  host: this.label
                })
            )
          } else {
            // Failures reach each transfer's callback; a session-level 'error' must not crash.
            sftp.on('error', () => {})
            sftp.on('close', () => {
              if (this.sftp === opening) this.sftp = null
            })
            resolve(sftp)
          }
        })
      })
      this.sftp = opening
      opening.catch(() => {
        if (this.sftp === opening) this.sftp = null
      })
    }
    return this.sftp
  }

  async close(): Promise<void> {
    if (!this.lost) {
      this.fail(
        new ExpectedError('unreachable', `${this.label}: transport is closed`, { host: this.label })
      )
    }
    for (const c of [...this.clients].reverse()) c.end()
    // A host that stopped answering (frozen, a dead network path) never closes its side: after
    // a grace period the socket is destroyed, or the close (and the deployment) would wait forever.
    if (await this.closedWithin(CLOSE_GRACE_MS)) return
    for (const c of this.clients) {
      c.destroy()
      // ssh2's destroy() skips a socket already ended by end(): destroy the socket itself.
      ;(c as unknown as { _sock?: { destroy(): void } })._sock?.destroy()
    }
    await this.closedWithin(CLOSE_GRACE_MS)
  }

  private async closedWithin(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined
    const closed = await Promise.race([
      this.closed.then(() => true),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)))
    ])
    clearTimeout(timer)
    return closed
  }

  /** Runs an operation that the loss of the connection must fail. */
  private tracked<T>(
    what: string,
    body: (resolve: (v: T) => void, reject: (e: ExpectedError) => void) => void
  ): Promise<T> {
    if (this.lost) return Promise.reject(this.lost)
    return new Promise<T>((resolve, reject) => {
      let settled = false
      const fail = (e: ExpectedError): void => {
        if (settled) return
        settled = true
        this.inFlight.delete(fail)
        reject(e)
      }
      this.inFlight.add(fail)
      try {
        body((v) => {
          if (settled) return
          settled = true
          this.inFlight.delete(fail)
          resolve(v)
        }, fail)
      } catch (e) {
        fail(
          new ExpectedError('unreachable', `${this.label}: ${what}: ${(e as Error).message}`, {
            host: this.label
          })
        )
      }
    })
  }

  private cancelled(what: string): ExpectedError {
    return new ExpectedError('cancelled', `${this.label}: cancelled`, {
      host: this.label,
      command: what
    })
  }
}
