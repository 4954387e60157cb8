import type { Client } from 'ssh2'
import type { Transport } from './types'

/**
 * Kills a remote process group on a channel of its own (its command's slot is still held).
 * A host that refuses that channel (MaxSessions reached, the command itself perhaps holding
 * the last session, which it keeps until its shell dies) gets the kill on a connection of
 * its own (`reopen`, when the connection is not lost): otherwise the command would run on,
 * and its session refuse every later command.
 */
export function killRemoteGroup(
  client: Client,
  pid: number,
  reopen: (() => Promise<Transport>) | null
): void {
  const kill = `kill -KILL -- -${pid} 2>/dev/null || kill -KILL ${pid}`
  client.exec(kill, (kerr, ks) => {
    if (!kerr) {
      ks.resume()
      ks.stderr.resume()
      ks.end()
    } else if (reopen) {
      void killOnOwnConnection(reopen, kill)
    }
  })
}

async function killOnOwnConnection(reopen: () => Promise<Transport>, kill: string): Promise<void> {
  try {
    const side = await reopen()
    try {
      await side.exec(kill, { timeoutMs: 15_000 })
    } finally {
      await side.close()
    }
  } catch {
    // The host cannot be reached again: nothing can kill the command from here.
  }
}
