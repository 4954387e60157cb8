// What commands on `local:` hosts started and left running (a deploy hook's `nohup node
// server.js &`), so that a long-lived Slipway (serve, the desktop app) ends them when it stops:
// a local host is a folder on this machine, and nothing Slipway started there outlives it.
//
// Each command runs as the leader of its own process group; a background job started without
// job control (`&`, nohup) stays in that group after the command's shell has exited. A process
// that leaves the group (setsid, a daemon's double fork) is beyond this and says so in README.

const groups = new Set<number>()

/** Records the process group of a command just started on a local host. */
export function recordLocalGroup(pgid: number): void {
  forgetEndedGroups()
  groups.add(pgid)
}

/** Process groups started on local hosts that still have a live member. */
export function liveLocalGroups(): number[] {
  forgetEndedGroups()
  return [...groups]
}

/**
 * Ends everything still running in the recorded groups: SIGTERM, then SIGKILL for what is left
 * after `graceMs`. Resolves once none has a live member (or after the SIGKILL).
 */
export async function stopLocalProcesses(graceMs = 3_000): Promise<number> {
  const live = liveLocalGroups()
  for (const pgid of live) signalGroup(pgid, 'SIGTERM')
  const deadline = Date.now() + graceMs
  while (liveLocalGroups().length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50))
  }
  for (const pgid of liveLocalGroups()) signalGroup(pgid, 'SIGKILL')
  groups.clear()
  return live.length
}

function forgetEndedGroups(): void {
  for (const pgid of groups) if (!signalGroup(pgid, 0)) groups.delete(pgid)
}

/** Sends `signal` (0: only checks) to the group; false when no member is left. */
function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal)
    return true
  } catch (e) {
    // EPERM: alive but not ours to signal; ESRCH: gone.
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}
