import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { EnvironmentStatus } from '../../shared/deploy-models'
import type { TestRun } from '../../shared/test-models'
import { runGit } from '../services/git'
import { TEST_OWNER_VARIABLE } from '../services/test-runs/orphans'
import { currentOnDisk, lockOnDisk, releasesOnDisk, type ServeRig } from './serve-rig'
import { invoke, type ServeAddress } from './serve-client'

// What must hold after `slipway serve` was SIGKILLed and started again (issue 11 item 3). Each
// check answers a verdict with the evidence, so a failed iteration says what was wrong.

/** One check of one iteration. */
export interface CheckResult {
  readonly name: string
  readonly ok: boolean
  readonly detail: string
}

const pass = (name: string, detail: string): CheckResult => ({ name, ok: true, detail })
const fail = (name: string, detail: string): CheckResult => ({ name, ok: false, detail })

/** What the results file held when serve died, read before the next start touches it. */
export interface ResultsAtDeath {
  /** Lines that parse, and the unreadable ones with their position. */
  readonly records: number
  readonly badLines: readonly number[]
  readonly lines: number
  /** Runs whose last record said queued or running. */
  readonly unfinished: readonly string[]
  readonly runIds: readonly string[]
}

/** Reads `test-results.jsonl` as the killed serve left it. */
export function readResultsAtDeath(rig: ServeRig): ResultsAtDeath {
  let text = ''
  try {
    text = readFileSync(join(rig.workspaceData, 'test-results.jsonl'), 'utf8')
  } catch {
    return { records: 0, badLines: [], lines: 0, unfinished: [], runIds: [] }
  }
  const lines = text.split('\n')
  if (lines.at(-1) === '') lines.pop()
  const last = new Map<string, string>()
  const badLines: number[] = []
  lines.forEach((line, i) => {
    try {
      const run = JSON.parse(line) as { id: string; status: string }
      last.set(run.id, run.status)
    } catch {
      badLines.push(i)
    }
  })
  const unfinished = [...last].filter(([, s]) => s === 'queued' || s === 'running')
  return {
    records: lines.length - badLines.length,
    badLines,
    lines: lines.length,
    unfinished: unfinished.map(([id]) => id),
    runIds: [...last.keys()]
  }
}

/** Environment status against the disk of every host, and the release that served before. */
export async function checkStatusTruth(
  rig: ServeRig,
  at: ServeAddress,
  before: readonly (string | null)[]
): Promise<CheckResult[]> {
  const status = await invoke<EnvironmentStatus>(at, 'environments.status', {
    environment: rig.environment
  })
  const wrong: string[] = []
  const lost: string[] = []
  rig.hosts.forEach((h, i) => {
    const disk = currentOnDisk(h)
    const shown = status.hosts.find((s) => s.host === h.name)
    if (!shown) wrong.push(`${h.name} missing from the status`)
    else if (!shown.reachable) wrong.push(`${h.name} unreachable: ${shown.error ?? ''}`)
    else if (shown.release !== disk) wrong.push(`${h.name}: status ${shown.release}, disk ${disk}`)
    if (disk !== null && !existsSync(join(h.dir, 'releases', disk, 'RELEASE'))) {
      lost.push(`${h.name}: current → ${disk} is dangling or incomplete`)
    }
    const served = before[i] ?? null
    if (served !== null && !releasesOnDisk(h).includes(served)) {
      lost.push(`${h.name}: ${served}, which served before, is gone`)
    }
  })
  return [
    wrong.length === 0
      ? pass('status is the disk', status.hosts.map((s) => `${s.host}=${s.release}`).join(' '))
      : fail('status is the disk', wrong.join('; ')),
    lost.length === 0
      ? pass('nothing that served is lost', 'current complete, previous release kept')
      : fail('nothing that served is lost', lost.join('; '))
  ]
}

/**
 * A lock left on a host is shown as left by a gone Slipway, with a reason to break it; breaking
 * it with that reason through the API removes every lock and writes the reason in each host log.
 */
export async function checkLockAndBreak(
  rig: ServeRig,
  at: ServeAddress,
  deadPid: number
): Promise<CheckResult> {
  const name = 'dead lock recognised and broken'
  const locked = rig.hosts.filter((h) => lockOnDisk(h) !== null)
  const status = await invoke<EnvironmentStatus>(at, 'environments.status', {
    environment: rig.environment
  })
  if (locked.length === 0) {
    const shown = status.hosts.filter((h) => h.lock !== null)
    return shown.length === 0
      ? pass(name, 'no lock left on disk, none shown')
      : fail(name, `no lock on disk, but the status shows one on ${shown.map((h) => h.host)}`)
  }
  const problems: string[] = []
  let reason = ''
  for (const h of locked) {
    const lock = status.hosts.find((s) => s.host === h.name)?.lock
    if (!lock) problems.push(`${h.name}: lock on disk not shown`)
    else if (!lock.stale || !lock.holderGone?.includes(`pid ${deadPid}`)) {
      problems.push(`${h.name}: not recognised as left by pid ${deadPid}: ${JSON.stringify(lock)}`)
    } else if (!lock.suggestedReason) problems.push(`${h.name}: no reason filled in`)
    else reason = lock.suggestedReason
  }
  if (problems.length > 0) return fail(name, problems.join('; '))
  await invoke(at, 'environments.breakLock', { environment: rig.environment, reason })
  for (const h of locked) {
    if (lockOnDisk(h) !== null) problems.push(`${h.name}: still locked after breaking`)
    const log = readFileSync(join(h.dir, '.slipway', 'deployments.jsonl'), 'utf8')
    if (!log.includes('"lock-broken"') || !log.includes(JSON.stringify(reason).slice(1, -1))) {
      problems.push(`${h.name}: the host log does not record the break with its reason`)
    }
  }
  return problems.length === 0
    ? pass(name, `${locked.length} lock(s): ${reason}`)
    : fail(name, problems.join('; '))
}

/** Live processes whose test owner variable names `pid`. */
export function testProcessesOf(pid: number): number[] {
  const out: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const env = readFileSync(`/proc/${entry}/environ`, 'latin1').split('\0')
      const mine = env.some(
        (v) => v.startsWith(`${TEST_OWNER_VARIABLE}=`) && v.split(':')[1] === String(pid)
      )
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const state = stat.charAt(stat.lastIndexOf(')') + 2)
      if (mine && state !== 'Z') out.push(Number(entry))
    } catch {
      // gone, or not ours
    }
  }
  return out
}

/**
 * No test process, worktree or run folder of the killed serve is left once the new one has
 * started its test service (it reaps them there): waits up to `waitMs` for that.
 */
export async function checkNoOrphans(
  rig: ServeRig,
  deadPid: number,
  hadProcesses: number,
  waitMs = 30_000
): Promise<CheckResult> {
  const name = 'no orphan of the dead run'
  const leftovers = async (): Promise<string[]> => {
    const left: string[] = []
    const procs = testProcessesOf(deadPid)
    if (procs.length > 0) left.push(`test processes ${procs.join(', ')}`)
    const list = (dir: string, prefix: string): string[] => {
      try {
        return readdirSync(join(rig.workspaceData, dir)).filter((n) => n.startsWith(prefix))
      } catch {
        return []
      }
    }
    left.push(...list('worktrees', `wt-${deadPid}-`).map((n) => `worktree ${n}`))
    left.push(...list('run-homes', `run-${deadPid}-`).map((n) => `run folder ${n}`))
    const git = await runGit(rig.demo, ['worktree', 'list', '--porcelain'])
    if (git.stdout.includes(`/wt-${deadPid}-`)) left.push('git still lists its worktree')
    return left
  }
  const deadline = Date.now() + waitMs
  let left = await leftovers()
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250))
    left = await leftovers()
  }
  return left.length === 0
    ? pass(name, `${hadProcesses} test process(es) alive at the kill, none left`)
    : fail(name, left.join('; '))
}

/** The results file and the run logs read back: at most a torn last line, no run left running. */
export async function checkResultsAndLogs(
  at: ServeAddress,
  died: ResultsAtDeath
): Promise<CheckResult> {
  const name = 'results and logs read back'
  const problems: string[] = []
  const torn = died.badLines.filter((i) => i !== died.lines - 1)
  if (torn.length > 0) problems.push(`unreadable lines inside the file: ${torn.join(', ')}`)
  const runs = await invoke<TestRun[]>(at, 'tests.runs', { limit: 10_000 })
  const byId = new Map(runs.map((r) => [r.id, r]))
  for (const id of died.unfinished) {
    const run = byId.get(id)
    if (!run) problems.push(`${id} is missing after the restart`)
    else if (run.status === 'running' || run.status === 'queued') {
      problems.push(`${id} still claims ${run.status}`)
    }
  }
  let logs = 0
  for (const id of died.runIds) {
    if (!byId.has(id)) continue
    try {
      await invoke(at, 'tests.log', { id, offset: 0, length: 65536 })
      logs += 1
    } catch (error) {
      // A run that never started has no log: the API says so with not-found.
      if (!String(error).includes('not-found')) problems.push(`log of ${id}: ${String(error)}`)
    }
  }
  const tornNote = died.badLines.includes(died.lines - 1) ? ', torn last line flagged' : ''
  return problems.length === 0
    ? pass(
        name,
        `${died.records} records, ${died.unfinished.length} interrupted run(s) ended, ${logs} log(s) read${tornNote}`
      )
    : fail(name, problems.join('; '))
}
