import type { BaseAgent } from 'ssh2'
import { ExpectedError } from '../errors'
import type { ExecOptions, ExecResult, Transport } from './types'

/**
 * Runs one command on a connection of its own (`reopen`: the same hops, `agent` forwarded),
 * then closes it: the agent reaches this command only, never a later one on the main connection
 * (OpenSSH keeps a forwarded agent for every later session of a connection). The bytes sent on
 * it are handed to `count`.
 */
export async function execForwarding(
  label: string,
  reopen: ((agent: BaseAgent) => Promise<Transport>) | null,
  agent: BaseAgent,
  command: string,
  options: ExecOptions,
  count: (bytes: number) => void
): Promise<ExecResult> {
  if (!reopen) throw forwardingRefused(label, null)
  const side = await reopen(agent)
  try {
    return await side.exec(command, { ...options, forwardAgent: undefined })
  } catch (e) {
    throw forwardingRefused(label, e)
  } finally {
    count(side.bytesSent)
    await side.close()
  }
}

/**
 * A host that refuses agent forwarding says so in words (sshd's `AllowAgentForwarding no`, or
 * `no-agent-forwarding` on the login key); any other error is passed on as it was.
 */
function forwardingRefused(label: string, error: unknown): unknown {
  const refused =
    error === null || (error instanceof ExpectedError && /agent forwarding/i.test(error.message))
  if (!refused) return error
  return new ExpectedError(
    'unreachable',
    `${label}: the host refuses agent forwarding (sshd's AllowAgentForwarding, or no-agent-forwarding on the key)`,
    { host: label, reason: 'agent-forwarding' }
  )
}
