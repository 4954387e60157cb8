import { readdirSync, readFileSync } from 'node:fs'
import { readFile, rename, writeFile } from 'node:fs/promises'
import type { BranchEnvLeftover } from '../../../shared/branch-env-models'
import { PRIVATE_FILE } from '../private-files'
import { isProcessAlive } from '../test-runs'
import { processStart } from '../process-identity'

export { processStart }

/**
 * One process group a Slipway process started for a branch environment, as written to the
 * state file the moment it starts, so that the next Slipway finds it after a crash (SIGKILL).
 */
export interface GroupRecord {
  readonly label: string
  readonly port: number
  readonly pgid: number
  /** The leader's start time in clock ticks since boot: with pgid, it names the group even after pid reuse. */
  readonly leaderStart: number
  /** The Slipway process that started it. */
  readonly owner: number
  /** The owner's start time (a recycled owner pid is not the same Slipway). */
  readonly ownerStart: number
  /** The environment's worktree, removed with the group. */
  readonly worktree: string
}

/**
 * The live processes of the group: every process whose pgrp is `pgid`, or none when its
 * leader's pid now names another process (the group is gone and the pid was reused).
 */
export function groupMembers(record: GroupRecord): { pid: number; command: string }[] {
  const leaderStart = processStart(record.pgid)
  if (leaderStart !== null && leaderStart !== record.leaderStart) return []
  const out: { pid: number; command: string }[] = []
  let entries: string[]
  try {
    entries = readdirSync('/proc')
  } catch {
    return []
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      if (Number(fields[2]) !== record.pgid || fields[0] === 'Z') continue
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8')
        .replace(/\0+$/, '')
        .replace(/\0/g, ' ')
      out.push({ pid: Number(entry), command })
    } catch {
      // exited while being read
    }
  }
  return out
}

/**
 * The groups of branch environments, kept in `<data>/branch-envs.json` (0600): this process's
 * own, plus the ones of Slipway processes that are gone (leftovers) until they are cleaned.
 */
export class GroupStateFile {
  private writing: Promise<void> = Promise.resolve()

  constructor(private readonly path: string) {}

  /** Every record in the file (none when it is missing or unreadable). */
  async read(): Promise<GroupRecord[]> {
    const text = await readFile(this.path, 'utf8').catch(() => '[]')
    try {
      const parsed: unknown = JSON.parse(text)
      return Array.isArray(parsed) ? (parsed as GroupRecord[]) : []
    } catch {
      return []
    }
  }

  /** Rewrites the file with `change` applied to its records (one write at a time, atomic). */
  update(change: (records: GroupRecord[]) => GroupRecord[]): Promise<void> {
    const next = this.writing.then(async () => {
      const records = change(await this.read())
      const tmp = `${this.path}.tmp-${process.pid}`
      await writeFile(tmp, JSON.stringify(records, null, 1), { mode: PRIVATE_FILE })
      await rename(tmp, this.path)
    })
    this.writing = next.catch(() => undefined)
    return next
  }

  /** Records of Slipway processes that are gone, whose group still has live processes. */
  async leftovers(): Promise<{ record: GroupRecord; leftover: BranchEnvLeftover }[]> {
    const found: { record: GroupRecord; leftover: BranchEnvLeftover }[] = []
    for (const record of await this.read()) {
      if (ownerAlive(record)) continue
      const processes = groupMembers(record)
      if (processes.length === 0) continue
      const { label, port, pgid } = record
      found.push({ record, leftover: { label, port, pgid, processes } })
    }
    return found
  }
}

/** True when the Slipway process that wrote the record still runs. */
export function ownerAlive(record: GroupRecord): boolean {
  return isProcessAlive(record.owner) && processStart(record.owner) === record.ownerStart
}
