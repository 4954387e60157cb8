// The whole suite's process-leak detector (Vitest globalSetup, Playwright globalSetup and
// globalTeardown). A run gets a marker in its environment, which every process it starts
// inherits, detached ones (nohup, setsid) included, and the sshd test hosts pass on to their
// sessions. At the end, a process that is new since the start and carries the marker or still
// descends from the runner has outlived its test: the run fails, naming each one.
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { killQuietly, listProcesses, type ProcessInfo } from './proc-table'

/** The environment variable holding this run's marker. */
export const RUN_MARKER = 'SLIPWAY_TEST_RUN'

/** What was running when the run started, and the run's own marker and process. */
export interface LeakBaseline {
  readonly marker: string
  readonly runnerPid: number
  /** `pid:startTicks` of every process alive at the start. */
  readonly before: readonly string[]
}

const key = (p: ProcessInfo): string => `${p.pid}:${p.startTicks}`

/** Marks this process's environment (so children inherit it) and records what already runs. */
export function startLeakWatch(): LeakBaseline {
  const marker = process.env[RUN_MARKER] ?? randomUUID()
  process.env[RUN_MARKER] = marker
  return { marker, runnerPid: process.pid, before: listProcesses().map(key) }
}

/** Processes this run started that are still alive (none besides the runner's own workers). */
export function findLeaks(
  baseline: LeakBaseline,
  spare: (p: ProcessInfo) => boolean
): ProcessInfo[] {
  const all = listProcesses()
  const byPid = new Map(all.map((p) => [p.pid, p]))
  const before = new Set(baseline.before)
  const descends = (p: ProcessInfo): boolean => {
    for (let q = byPid.get(p.ppid), n = 0; q && n < 64; q = byPid.get(q.ppid), n++) {
      if (q.pid === baseline.runnerPid) return true
    }
    return false
  }
  return all.filter(
    (p) =>
      p.pid !== baseline.runnerPid &&
      !before.has(key(p)) &&
      (carriesMarker(p.pid, baseline.marker) || descends(p)) &&
      !spare(p)
  )
}

/**
 * Waits up to `graceMs` for this run's processes to end (a killed process needs a moment),
 * then throws naming each one left, with its command line and working folder.
 */
export async function assertNoLeaks(
  baseline: LeakBaseline,
  spare: (p: ProcessInfo) => boolean = () => false,
  graceMs = 10_000
): Promise<void> {
  const deadline = Date.now() + graceMs
  let left = findLeaks(baseline, spare)
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100))
    left = findLeaks(baseline, spare)
  }
  if (left.length === 0) return
  const lines = left.map((p) => `  pid ${p.pid}: ${p.command}\n    in ${p.cwd || '(unknown)'}`)
  // Named, then ended, so that they do not pile up over many runs.
  for (const p of left) killQuietly(p.pid)
  throw new Error(
    `${left.length} process(es) started by the tests outlived them (now killed):\n${lines.join('\n')}`
  )
}

function carriesMarker(pid: number, marker: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'latin1')
      .split('\0')
      .includes(`${RUN_MARKER}=${marker}`)
  } catch {
    return false
  }
}
