import { readFileSync } from 'node:fs'

// Who a process is, durably enough to be written down and checked by a later Slipway: a pid is
// reused, so it goes with the process's start time (clock ticks since boot), and both mean
// something only on the boot that wrote them (Linux's boot id changes at every boot).

/** This boot's id (`/proc/sys/kernel/random/boot_id`), or '' where there is none. */
export function bootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()
  } catch {
    return ''
  }
}

/** The start time (clock ticks since boot) of a live process, or null when it is gone. */
export function processStart(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Fields after "(comm)": state ppid pgrp … starttime is the 20th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    if (fields[0] === 'Z' || fields[0] === 'X') return null
    return Number(fields[19])
  } catch {
    return null
  }
}

/** One process named so that a later reader can tell whether it still runs. */
export interface ProcessIdentity {
  readonly pid: number
  /** Start time in clock ticks since boot (0 when unknown). */
  readonly start: number
  /** The boot it ran on ('' when unknown). */
  readonly boot: string
}

/** This process's identity. */
export function selfIdentity(): ProcessIdentity {
  return { pid: process.pid, start: processStart(process.pid) ?? 0, boot: bootId() }
}

/**
 * Why the process `who` names is known to be gone, or null when it may still run (or this
 * machine cannot tell: no /proc, no boot id). Only meaningful for a process of this machine.
 */
export function whyGone(who: ProcessIdentity): string | null {
  const boot = bootId()
  if (boot === '' || who.boot === '') return null
  if (who.boot !== boot) return `this machine has restarted since (process ${who.pid})`
  const start = processStart(who.pid)
  if (start === null) return `its process (pid ${who.pid}) is no longer running`
  if (who.start !== 0 && start !== who.start) {
    return `its process (pid ${who.pid}) is no longer running (the pid now names another process)`
  }
  return null
}
