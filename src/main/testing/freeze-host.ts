// A frozen peer for timeout tests: every process of a real sshd test host stopped with SIGSTOP.
// The kernel still accepts TCP connections on its port (the listen backlog) and acknowledges
// bytes into socket buffers, but nothing above TCP answers: no banner, no channel, no SFTP ack.
import type { SshTestHost } from './sshd-hosts'

/**
 * Stops (SIGSTOP) sshd and everything running inside `host` (its sessions and what they
 * started) and answers a function that continues them (SIGCONT). Lists the host's processes
 * until no new one appears, so a session forked meanwhile is stopped too.
 */
export function freezeHost(host: SshTestHost): () => void {
  const stopped = new Set<number>()
  for (let round = 0; round < 10; round++) {
    const fresh = host.processes().filter((p) => !stopped.has(p.pid))
    if (fresh.length === 0 && round > 0) break
    for (const p of fresh) {
      signal(p.pid, 'SIGSTOP')
      stopped.add(p.pid)
    }
  }
  if (stopped.size === 0) throw new Error(`${host.name}: no process to freeze (is sshd running?)`)
  return () => {
    for (const p of host.processes()) signal(p.pid, 'SIGCONT')
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name)
  } catch {
    // Gone meanwhile.
  }
}
