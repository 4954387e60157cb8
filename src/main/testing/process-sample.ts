import { readdirSync, readFileSync } from 'node:fs'
import { listProcesses } from './proc-table'

// Test support: what one process holds, read from /proc (Linux): resident memory, open file
// descriptors, and the processes below it.

/** One reading of a process. */
export interface ProcessSample {
  readonly rssKb: number
  readonly fds: number
  /** Every live process below it (children, grandchildren, …), as `pid command`. */
  readonly descendants: readonly string[]
}

/** Reads `pid` now. */
export function sampleProcess(pid: number): ProcessSample {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const rssKb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? NaN)
  const fds = readdirSync(`/proc/${pid}/fd`).length
  return { rssKb, fds, descendants: descendantsOf(pid) }
}

/** Live processes below `pid` (zombies left out). */
export function descendantsOf(pid: number): string[] {
  const all = listProcesses()
  const children = new Map<number, number[]>()
  for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid])
  const byPid = new Map(all.map((p) => [p.pid, p]))
  const out: string[] = []
  const walk = (parent: number): void => {
    for (const child of children.get(parent) ?? []) {
      if (isZombie(child)) continue
      out.push(`${child} ${byPid.get(child)?.command ?? ''}`)
      walk(child)
    }
  }
  walk(pid)
  return out
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.charAt(stat.lastIndexOf(')') + 2) === 'Z'
  } catch {
    return true
  }
}

/** Live processes whose environment carries `name=value` (what a marked process started). */
export function processesMarked(name: string, value: string): string[] {
  return listProcesses()
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p.pid}/environ`, 'latin1')
          .split('\0')
          .includes(`${name}=${value}`)
      } catch {
        return false
      }
    })
    .map((p) => `${p.pid} ${p.command}`)
}
