// Test support: this machine's processes read from /proc (Linux), for the sshd host namespaces
// and the suite's leak detector.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs'

/** One process as /proc shows it. */
export interface ProcessInfo {
  readonly pid: number
  readonly ppid: number
  /** The command line, arguments joined by spaces ('[comm]' for a kernel thread). */
  readonly command: string
  /** Working folder ('' when unreadable); a deleted folder ends in ' (deleted)'. */
  readonly cwd: string
  /** The pid namespace, e.g. 'pid:[4026531836]' ('' when unreadable). */
  readonly pidNamespace: string
  /** Its pid inside its own pid namespace (the last NSpid entry). */
  readonly pidInNamespace: number
  /** Start time in clock ticks since boot: with the pid, names one process even after pid reuse. */
  readonly startTicks: number
}

/** Every process on this machine, read from /proc; ones that exit while being read are left out. */
export function listProcesses(): ProcessInfo[] {
  const out: ProcessInfo[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const info = readProcess(Number(entry))
    if (info) out.push(info)
  }
  return out
}

/** One process from /proc, or null when it is gone. */
export function readProcess(pid: number): ProcessInfo | null {
  let stat: string
  let status: string
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    status = readFileSync(`/proc/${pid}/status`, 'utf8')
  } catch {
    return null
  }
  // Fields after "(comm)": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
  // utime stime cutime cstime priority nice num_threads itrealvalue starttime …
  const close = stat.lastIndexOf(')')
  const fields = stat.slice(close + 2).split(' ')
  const nsPids = /^NSpid:\s*(.+)$/m.exec(status)?.[1].trim().split(/\s+/) ?? [String(pid)]
  let command = ''
  try {
    command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0+$/, '').replace(/\0/g, ' ')
  } catch {
    // gone between reads
  }
  if (command === '') command = `[${stat.slice(stat.indexOf('(') + 1, close)}]`
  return {
    pid,
    ppid: Number(fields[1]),
    command,
    cwd: readLink(`/proc/${pid}/cwd`),
    pidNamespace: readLink(`/proc/${pid}/ns/pid`),
    pidInNamespace: Number(nsPids[nsPids.length - 1]),
    startTicks: Number(fields[19])
  }
}

/** The pid namespace that `pid`'s future children get (after `unshare --pid`), or ''. */
export function childPidNamespace(pid: number): string {
  return readLink(`/proc/${pid}/ns/pid_for_children`)
}

/** Every process in the given pid namespace. */
export function processesInPidNamespace(namespace: string): ProcessInfo[] {
  const out: ProcessInfo[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || readLink(`/proc/${entry}/ns/pid`) !== namespace) continue
    const info = readProcess(Number(entry))
    if (info) out.push(info)
  }
  return out
}

/** Sends SIGKILL, quietly: the process may be gone already. */
export function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL')
  } catch {
    // already gone
  }
}

function readLink(path: string): string {
  try {
    return readlinkSync(path)
  } catch {
    return ''
  }
}
