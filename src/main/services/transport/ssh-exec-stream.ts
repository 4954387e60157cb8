// Reads one command's channel to its end for SshTransport: stdout and stderr (the session
// shell's pid, reported first on stderr, is taken off), the exit code, the timeout and cancel
// (both kill the remote process group), and a connection lost meanwhile.
import type { ClientChannel } from 'ssh2'
import type { ExpectedError } from '../errors'
import { execTimedOut, type ExecTimeout } from './exec-timeout'
import type { ExecOptions, ExecResult } from './types'

/** What the stream needs of its transport and command. */
export interface ExecStreamContext {
  readonly label: string
  readonly command: string
  readonly options: ExecOptions
  readonly timeout: ExecTimeout
  /** When the command's time is up (ms since the epoch), opening its channel included. */
  readonly deadline: number
  /** The connection's loss, once it is lost: a channel it closed has no answer. */
  lost(): ExpectedError | null
  /** Kills the remote process group `pid` (on a channel of its own). */
  killGroup(pid: number): void
  cancelled(): ExpectedError
}

/** Settles with the command's result, or its timeout, cancel or the connection's loss. */
export function collectExec(
  stream: ClientChannel,
  context: ExecStreamContext,
  resolve: (r: ExecResult) => void,
  reject: (e: ExpectedError) => void
): void {
  const { command, options, timeout, deadline } = context
  const out: Buffer[] = []
  const err: Buffer[] = []
  let ended: ExpectedError | null = null
  let pid: number | null = null
  let errHead = ''
  let force: NodeJS.Timeout | null = null
  const killRemote = (): void => {
    if (pid === null || pid <= 1 || context.lost()) return
    context.killGroup(pid)
  }
  const stop = (e: ExpectedError): void => {
    if (ended) return
    ended = e
    killRemote()
    stream.close()
    // Settle even if the host never answers the close.
    force = setTimeout(() => settle(), 2000)
  }
  const timer = setTimeout(
    () => stop(execTimedOut(context.label, command, timeout)),
    Math.max(0, deadline - Date.now())
  )
  const onAbort = (): void => stop(context.cancelled())
  options.signal?.addEventListener('abort', onAbort, { once: true })
  let code: number | null = null
  stream.on('exit', (c: number | null) => {
    code = typeof c === 'number' ? c : null
  })
  stream.on('data', (b: Buffer) => out.push(b))
  stream.stderr.on('data', (b: Buffer) => {
    if (pid !== null) return void err.push(b)
    errHead += b.toString('latin1')
    const nl = errHead.indexOf('\n')
    if (nl < 0) return
    pid = Number(errHead.slice(0, nl)) || 0
    err.push(Buffer.from(errHead.slice(nl + 1), 'latin1'))
    if (ended) killRemote()
  })
  let settled = false
  const settle = (): void => {
    if (settled) return
    settled = true
    clearTimeout(timer)
    if (force) clearTimeout(force)
    options.signal?.removeEventListener('abort', onAbort)
    if (ended) return reject(ended)
    // A channel closed by a dropped connection has no exit status: that is not an answer.
    const lost = context.lost()
    if (lost) return reject(lost)
    resolve({
      stdout: Buffer.concat(out).toString('utf8'),
      stderr: Buffer.concat(err).toString('utf8'),
      code
    })
  }
  stream.on('close', settle)
  stream.end(options.stdin ?? '')
}
