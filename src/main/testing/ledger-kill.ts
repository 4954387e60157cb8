/**
 * The SIGKILL trials of the ledger's append (used by `ledger-kill.test.ts` and by
 * `npm run bench:ledger-kill` for the 200-kill run): a child process appends in a loop, is
 * killed with SIGKILL together with its git processes at a random moment, and the ledger is
 * then read: every acknowledged entry must be there, whole, plus at most the one that was in
 * flight, and the chain must verify.
 */
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, rmSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Ledger } from '../services/ledger'
import { TeamStateStore } from '../services/team-state'

/** What the trials saw. */
export interface KillStats {
  readonly kills: number
  /** Kills after which the entry in flight was found whole in the ledger. */
  readonly inFlightLanded: number
  /** Kills after which the entry in flight was not there at all. */
  readonly inFlightLost: number
  /** Kills that left `refs/slipway/ledger.lock` behind (removed by the next writer). */
  readonly staleLocks: number
  readonly entries: number
  /** Violations: an acknowledged entry missing, an unknown one present, a broken chain. */
  readonly problems: readonly string[]
  readonly ms: number
}

/** Bundles the child once (node runs it in ~0.1 s where tsx would take seconds). */
export function bundleChild(dir: string): string {
  const out = join(dir, 'ledger-append-child.cjs')
  execFileSync(join(process.cwd(), 'node_modules/.bin/esbuild'), [
    join(import.meta.dirname, 'ledger-append-child.ts'),
    '--bundle',
    '--platform=node',
    '--format=cjs',
    `--outfile=${out}`,
    '--log-level=error'
  ])
  return out
}

/** Runs `kills` trials on the repository `repo` (a clone with a git identity). */
export async function runKillTrials(
  repo: string,
  kills: number,
  options: { readonly maxDelayMs?: number; readonly onTrial?: (i: number) => void } = {}
): Promise<KillStats> {
  const started = Date.now()
  const scratch = mkdtempSync(join(tmpdir(), 'slipway-ledger-kill-'))
  const child = bundleChild(scratch)
  const ledger = await Ledger.open(await TeamStateStore.open(repo))
  const lockFile = join(repo, '.git', 'refs', 'slipway', 'ledger.lock')
  const present = new Set<string>()
  const problems: string[] = []
  // How long one append takes here (want → done), so the kills fall across whole appends.
  const timing = { total: 0, count: 0 }
  let landed = 0
  let lost = 0
  let staleLocks = 0
  try {
    for (let i = 0; i < kills; i += 1) {
      options.onTrial?.(i)
      const mean = timing.count > 0 ? timing.total / timing.count : 500
      const window = options.maxDelayMs ?? Math.max(100, 3 * mean)
      const { acked, inFlight } = await oneTrial(child, repo, `t${i}`, window, timing)
      if (existsSync(lockFile)) staleLocks += 1
      const records = await ledger.list()
      const tags = new Set(
        records.map((r) => (r.entry.kind === 'lock' ? r.entry.deployment : r.entry.id))
      )
      for (const tag of acked)
        if (!tags.has(tag)) problems.push(`trial ${i}: ${tag} acknowledged but missing`)
      const fresh = [...tags].filter((t) => !present.has(t) && !acked.includes(t))
      if (fresh.length > 1 || (fresh.length === 1 && fresh[0] !== inFlight)) {
        problems.push(`trial ${i}: unexpected entries ${fresh.join(', ')}`)
      }
      if (inFlight !== null) {
        if (tags.has(inFlight)) landed += 1
        else lost += 1
      }
      for (const t of tags) present.add(t)
    }
    const report = await ledger.verify()
    if (!report.ok) problems.push(`verify: ${JSON.stringify(report.findings.slice(0, 3))}`)
    return {
      kills,
      inFlightLanded: landed,
      inFlightLost: lost,
      staleLocks,
      entries: report.entries,
      problems,
      ms: Date.now() - started
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true })
  }
}

/** Starts one child, kills its whole process group at a random moment, reports what it said. */
async function oneTrial(
  child: string,
  repo: string,
  prefix: string,
  maxDelayMs: number,
  timing: { total: number; count: number }
): Promise<{ acked: string[]; inFlight: string | null }> {
  // The kill comes at a random moment after the first append began (the process start,
  // seconds under load, is not what is tested). The previous child is dead for sure: a lock it left is stale after 200 ms.
  const proc = spawn(process.execPath, [child, repo, prefix, '200'], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const acked: string[] = []
  let inFlight: string | null = null
  let buffer = ''
  let stderr = ''
  let wantAt = 0
  let ready: () => void = () => {}
  const isReady = new Promise<void>((r) => (ready = r))
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  proc.stdout.on('data', (d: Buffer) => {
    buffer += d.toString()
    let nl: number
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl)
      buffer = buffer.slice(nl + 1)
      if (line.startsWith('want ')) {
        if (inFlight === null && acked.length === 0) ready()
        inFlight = line.slice(5)
        wantAt = Date.now()
      } else if (line.startsWith('done ')) {
        timing.total += Date.now() - wantAt
        timing.count += 1
        acked.push(line.slice(5))
        inFlight = null
      }
    }
  })
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)))
  await Promise.race([isReady, exited])
  await new Promise((r) => setTimeout(r, Math.random() * maxDelayMs))
  try {
    process.kill(-(proc.pid as number), 'SIGKILL')
  } catch {
    // Already gone (it failed): reported below.
  }
  const code = await exited
  if (code !== null) throw new Error(`the appending child ended by itself (${code}): ${stderr}`)
  // Its git processes were in the group; give the kernel a moment to reap them.
  await new Promise((r) => setTimeout(r, 20))
  return { acked, inFlight }
}
