import { readdirSync, readFileSync } from 'node:fs'
import { readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { plural } from '../../../shared/plural'
import { selfIdentity, whyGone, type ProcessIdentity } from '../process-identity'

// A Slipway killed with SIGKILL (or crashed, or the machine's OOM killer) cannot end its test
// runs: their process groups live on, reparented to init. Every test command is started with
// its Slipway's identity in its environment, which every descendant inherits (one that left
// the process group with setsid included), so the next Slipway to start finds them in /proc
// and ends them.

/** The variable naming the Slipway that started a test command: `<boot>:<pid>:<start>`. */
export const TEST_OWNER_VARIABLE = 'SLIPWAY_TEST_OWNER'

/** This process's value of {@link TEST_OWNER_VARIABLE}. */
export function testOwnerMarker(who: ProcessIdentity = selfIdentity()): string {
  return `${who.boot}:${who.pid}:${who.start}`
}

function parseMarker(value: string): ProcessIdentity | null {
  const m = /^([\w-]*):(\d+):(\d+)$/.exec(value)
  if (!m) return null
  return { boot: m[1] ?? '', pid: Number(m[2]), start: Number(m[3]) }
}

/** A live process started for a test run by a Slipway that is gone. */
export interface OrphanProcess {
  readonly pid: number
  /** The gone Slipway's pid. */
  readonly owner: number
  readonly why: string
}

/** Test processes of this machine (readable by this user) whose Slipway is gone. */
export function findOrphanedTestProcesses(): OrphanProcess[] {
  const out: OrphanProcess[] = []
  const verdicts = new Map<string, string | null>()
  let entries: string[]
  try {
    entries = readdirSync('/proc')
  } catch {
    return out
  }
  const prefix = `${TEST_OWNER_VARIABLE}=`
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue
    let environ: string
    try {
      environ = readFileSync(`/proc/${entry}/environ`, 'latin1')
    } catch {
      continue // gone, or another user's
    }
    const value = environ.split('\0').find((v) => v.startsWith(prefix))
    if (value === undefined) continue
    const marker = value.slice(prefix.length)
    if (!verdicts.has(marker)) {
      const who = parseMarker(marker)
      verdicts.set(marker, who ? whyGone(who) : null)
    }
    const why = verdicts.get(marker)
    const owner = parseMarker(marker)?.pid ?? 0
    if (why && isRunning(Number(entry))) out.push({ pid: Number(entry), owner, why })
  }
  return out
}

function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const state = stat.charAt(stat.lastIndexOf(')') + 2)
    return state !== 'Z' && state !== 'X'
  } catch {
    return false
  }
}

/**
 * Ends the test processes left by Slipway processes that are gone: SIGTERM, then SIGKILL for
 * what is left after `graceMs`. Answers what it found.
 */
export async function reapOrphanedTestProcesses(graceMs = 2_000): Promise<OrphanProcess[]> {
  const found = findOrphanedTestProcesses()
  if (found.length === 0) return found
  for (const p of found) signal(p.pid, 'SIGTERM')
  const deadline = Date.now() + graceMs
  const left = (): OrphanProcess[] => found.filter((p) => isRunning(p.pid))
  while (left().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
  for (const p of left()) signal(p.pid, 'SIGKILL')
  // What the orphans started meanwhile (a shell's next command) carries the marker too.
  for (const p of findOrphanedTestProcesses()) signal(p.pid, 'SIGKILL')
  return found
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name)
  } catch {
    // gone already
  }
}

/**
 * Removes run folders (`<root>/run-<pid>-…`) of Slipway processes that are gone; those of live
 * processes (this one, another Slipway testing the same workspace) stay. Answers how many went.
 */
export async function removeDeadRunHomes(root: string): Promise<number> {
  const names = await readdir(root).catch(() => [] as string[])
  const dead = names.filter((name) => {
    const pid = /^run-(\d+)-/.exec(name)?.[1]
    // Folders of the older `run-XXXXXX` naming have no owner: only a start can have left them.
    if (pid === undefined) return name.startsWith('run-')
    return !isRunning(Number(pid))
  })
  await Promise.all(dead.map((n) => rm(join(root, n), { recursive: true, force: true })))
  return dead.length
}

/**
 * What a test service does at start: ends the test processes of Slipway processes that are
 * gone and removes their run folders under `<dataDir>/run-homes`, saying so in `log`.
 */
export async function endLeftoversOfGoneSlipways(
  dataDir: string,
  log: (message: string) => void
): Promise<number> {
  const ended = await reapOrphanedTestProcesses()
  if (ended.length > 0) {
    const owners = [...new Set(ended.map((p) => p.owner))].join(', ')
    log(
      `tests: ended ${plural(ended.length, 'test process', 'test processes')} left by a Slipway that is gone ` +
        `(pid ${owners}: ${ended[0]?.why ?? ''})`
    )
  }
  await removeDeadRunHomes(join(dataDir, 'run-homes'))
  return ended.length
}
