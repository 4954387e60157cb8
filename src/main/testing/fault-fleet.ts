// Real sshd hosts that can be broken on purpose, for the fault matrix: each host's folder is
// its own tmpfs (so its disk can be filled), its sshd runs without root's power to ignore file
// modes (so a chmod is "permission denied" as for a deploy user), and it can be killed or
// frozen (SIGSTOP) and brought back.
import { execFileSync } from 'node:child_process'
import { chmodSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { freezeHost } from './freeze-host'
import { startSshFleet, type SshFleetOptions, type SshTestFleet } from './sshd-hosts'

/** The faults the matrix injects. */
export const FAULTS = [
  'sshd killed',
  'sshd frozen',
  'disk full',
  'permission denied',
  'hook non-zero',
  'health never OK'
] as const
/** One of {@link FAULTS}. */
export type Fault = (typeof FAULTS)[number]

/** A fleet whose hosts can be broken and repaired. */
export interface FaultFleet {
  readonly fleet: SshTestFleet
  /** SIGKILLs the host's sshd and everything in it (its app too). */
  kill(host: number): void
  /** SIGSTOPs every process of the host. */
  freeze(host: number): void
  /** Fills the host's disk: its tmpfs shrunk to what it holds now. */
  fillDisk(host: number): void
  /** Makes `relPath` (under the host's folder) unwritable. */
  deny(host: number, relPath: string): void
  /** Undoes every fault on the host: restarts a killed sshd, continues a frozen one, frees the disk, restores modes. */
  repair(host: number): Promise<void>
  /** Empties every host's folder (between cases). */
  wipe(): void
  stop(): Promise<void>
}

/** Room on each host's tmpfs when it is not full. */
const DISK = '256m'

/** Starts `count` sshd hosts ready for faults (see the module comment). */
export async function startFaultFleet(
  count: number,
  options: SshFleetOptions = {}
): Promise<FaultFleet> {
  const fleet = await startSshFleet(count, { ...options, dropFileOverride: true })
  const mounted: string[] = []
  try {
    for (const h of fleet.hosts) {
      execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${DISK},mode=0755`, 'tmpfs', h.hostDir])
      mounted.push(h.hostDir)
      // The host's mount namespace binds its folder when sshd starts: restart to bind the tmpfs.
      await h.restart()
    }
  } catch (e) {
    for (const dir of mounted) execFileSync('umount', ['-l', dir])
    await fleet.stop()
    throw e
  }
  // A test process that ends without stop() must not leave its mounts behind.
  const unmountAll = (): void => {
    for (const dir of mounted) {
      try {
        execFileSync('umount', ['-l', dir])
      } catch {
        // Already unmounted.
      }
    }
  }
  process.once('exit', unmountAll)
  const thaws = new Map<number, () => void>()
  const killed = new Set<number>()
  const denied = new Map<number, string[]>()
  const full = new Set<number>()
  const host = (i: number): SshTestFleet['hosts'][number] => {
    const h = fleet.hosts[i]
    if (!h) throw new Error(`no host ${i}`)
    return h
  }
  return {
    fleet,
    kill(i) {
      host(i).kill()
      killed.add(i)
    },
    freeze(i) {
      thaws.set(i, freezeHost(host(i)))
    },
    fillDisk(i) {
      const dir = host(i).hostDir
      const used = execFileSync('df', ['-k', '--output=used', dir], { encoding: 'utf8' })
        .trim()
        .split('\n')
        .pop()
        ?.trim()
      execFileSync('mount', ['-o', `remount,size=${Number(used)}k`, dir])
      full.add(i)
    },
    deny(i, relPath) {
      chmodSync(join(host(i).hostDir, relPath), 0o555)
      denied.set(i, [...(denied.get(i) ?? []), relPath])
    },
    async repair(i) {
      const h = host(i)
      thaws.get(i)?.()
      thaws.delete(i)
      if (full.delete(i)) execFileSync('mount', ['-o', `remount,size=${DISK}`, h.hostDir])
      for (const rel of denied.get(i) ?? []) chmodSync(join(h.hostDir, rel), 0o755)
      denied.delete(i)
      if (killed.delete(i)) await h.restart()
    },
    wipe() {
      for (const h of fleet.hosts) {
        for (const e of readdirSync(h.hostDir)) {
          rmSync(join(h.hostDir, e), { recursive: true, force: true })
        }
      }
    },
    async stop() {
      for (const thaw of thaws.values()) thaw()
      process.removeListener('exit', unmountAll)
      unmountAll()
      await fleet.stop()
    }
  }
}
