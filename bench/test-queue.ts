/**
 * Benchmark of the test queue's overhead per run (`npm run bench:tests`): the wall time from
 * asking for a run to seeing it finished, for a trivial command (`true`), against running the
 * same command directly with `sh -c`. Cases: first run (worktree created), worktree reused,
 * setup cache miss (setup of ~2,000 small files in node_modules, its own time subtracted),
 * setup cache hit restored by hard links into the worktree, and hit already in place. Then,
 * on the demo workspace, how soon a commit made outside Slipway is running and tested.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SlipwayConfigSchema } from '../src/shared/config-schema'
import { isFinished, type TestRun } from '../src/shared/test-models'
import { TestService } from '../src/main/services/test-runs'
import { TestRepo } from '../src/main/testing/test-repo'
import {
  ensureDemoWorkspace,
  loadWorkspace,
  workspaceDataDir
} from '../src/main/services/workspace'

const SAMPLES = 15
const FIRST_RUN_SAMPLES = 5
// ~2,000 small files in 100 folders, like a small node_modules.
// It prints its own duration, so a miss's overhead is its wall time minus the setup's own time
// in that very run (the machine's load makes separately measured times swing).
const SETUP =
  's=$(date +%s%N); mkdir -p node_modules && cd node_modules && for d in $(seq 1 100); do mkdir -p p$d; ' +
  'for f in $(seq 1 20); do echo "module.exports = $f" > p$d/f$f.js; done; done; ' +
  'echo "setup_ms=$(( ($(date +%s%N) - s) / 1000000 ))"'

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2
}
const fmt = (ms: number): string => ms.toFixed(1)

function shDirect(command: string, cwd: string): Promise<number> {
  const start = performance.now()
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', command], { cwd, stdio: 'ignore' })
    child.on('error', reject)
    child.on('close', () => resolve(performance.now() - start))
  })
}

/** A service on `repo` whose finished runs resolve the waiters of {@link runOnce}. */
class Harness {
  readonly service: TestService
  private readonly waiters = new Map<string, (run: TestRun) => void>()
  private readonly finished = new Map<string, TestRun>()

  constructor(repo: TestRepo, dataDir: string, test: Record<string, unknown>) {
    this.service = new TestService({
      workspacePath: repo.path,
      dataDir,
      config: SlipwayConfigSchema.parse({ test: { concurrency: 1, ...test } }),
      mainBranch: 'main',
      fetchIntervalMs: 0,
      log: (message, err) => console.error(message, err ?? ''),
      onEvent: (e) => {
        if (e.kind !== 'run' || !isFinished(e.run.status)) return
        this.finished.set(e.run.id, e.run)
        this.waiters.get(e.run.id)?.(e.run)
      }
    })
  }

  /** Wall time from asking for a run of `sha` to seeing it finished. */
  async runOnce(sha: string): Promise<number> {
    const start = performance.now()
    const run = await this.service.request({ sha, force: true, reason: 'bench' })
    const done = this.finished.get(run.id) ?? (await this.waitFor(run.id))
    if (done.status !== 'passed') throw new Error(`bench run ${done.id}: ${done.summary}`)
    return performance.now() - start
  }

  waitFor(id: string): Promise<TestRun> {
    return new Promise((resolve) => this.waiters.set(id, resolve))
  }
}

async function main(): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'slipway-bench-tests-'))
  const repo = TestRepo.create({
    files: { 'package-lock.json': '{"lock":0}\n', 'x.txt': '0\n' },
    prefix: 'slipway-tests-'
  })
  try {
    // Commits on refs no branch listing sees, so only the bench's own requests run them.
    const plain = Array.from({ length: SAMPLES }, (_, i) =>
      repo.commitToRef('refs/bench/plain', { 'x.txt': `${i}\n` }, `plain ${i}`)
    )
    const lockMiss = Array.from({ length: SAMPLES }, (_, i) =>
      repo.commitToRef('refs/bench/miss', { 'package-lock.json': `{"lock":${i + 1}}\n` }, `m ${i}`)
    )
    const lockA = repo.commitToRef('refs/bench/a', { 'package-lock.json': '{"lock":"a"}\n' }, 'a')
    const lockB = repo.commitToRef('refs/bench/b', { 'package-lock.json': '{"lock":"b"}\n' }, 'b')

    const baseline = median(await sequential(SAMPLES * 2, () => shDirect('true', repo.path)))
    console.log(`repo=${repo.path}`)
    console.log(`baseline_ms=${fmt(baseline)} (sh -c true, spawned directly)`)

    // First run of a fresh service: worktree created with `git worktree add`.
    const first: number[] = []
    for (let i = 0; i < FIRST_RUN_SAMPLES; i += 1) {
      const h = new Harness(repo, join(scratch, `first-${i}`), { command: 'true' })
      await h.service.start()
      h.service.setPaused(true)
      await h.service.cancelAll()
      first.push(await h.runOnce(plain[i] as string))
      await h.service.stop()
    }

    const plainH = new Harness(repo, join(scratch, 'plain'), { command: 'true' })
    await plainH.service.start()
    plainH.service.setPaused(true)
    await plainH.service.cancelAll()
    await plainH.runOnce(plain[0] as string)
    const reuse = await sequential(SAMPLES, (i) => plainH.runOnce(plain[i] as string))
    await plainH.service.stop()

    const setupH = new Harness(repo, join(scratch, 'setup'), { command: 'true', setup: SETUP })
    await setupH.service.start()
    setupH.service.setPaused(true)
    await setupH.service.cancelAll()
    await setupH.runOnce(plain[0] as string)
    const missOwn: number[] = []
    const miss = await sequential(SAMPLES, async (i) => {
      const sha = lockMiss[i] as string
      const wall = await setupH.runOnce(sha)
      missOwn.push(await setupTimeInLog(setupH, sha))
      return wall
    })
    await expectLogNote(setupH, lockMiss[0] as string, 'setup (cache miss')
    await setupH.runOnce(lockA)
    await setupH.runOnce(lockB)
    // Alternating two cached lockfiles: every run restores the other one by hard links.
    const restored = await sequential(SAMPLES, (i) => setupH.runOnce(i % 2 ? lockB : lockA))
    // The same lockfile again: the worktree already holds it.
    const inPlace = await sequential(SAMPLES, () => setupH.runOnce(lockA))
    await expectLogNote(setupH, lockA, '(already-there)')
    await expectLogNote(setupH, lockB, '(restored)')
    await setupH.service.stop()

    const report = (label: string, samples: readonly number[], own = 0): void => {
      const wall = median(samples)
      const overhead = wall - baseline - own
      console.log(
        `overhead_ms_per_run=${fmt(overhead)} case=${label} wall_ms=${fmt(wall)} ` +
          `ratio=${(wall / (baseline + own)).toFixed(1)} samples=${samples.length}`
      )
    }
    report('worktree-create', first)
    report('worktree-reuse', reuse)
    const setupOwn = median(missOwn)
    console.log(`setup_own_ms=${fmt(setupOwn)} (the setup command alone, 2,000 files, median)`)
    const missOverhead = median(miss.map((wall, i) => wall - (missOwn[i] as number)))
    console.log(
      `overhead_ms_per_run=${fmt(missOverhead - baseline)} case=setup-cache-miss ` +
        `wall_ms=${fmt(median(miss))} (minus the setup's own time in that run) samples=${miss.length}`
    )
    report('setup-cache-hit-restore', restored)
    report('setup-cache-hit-in-place', inPlace)

    await demoLatency(join(scratch, 'demo-data'))
  } finally {
    repo.remove()
    rmSync(scratch, { recursive: true, force: true })
  }
}

/**
 * On the demo workspace (its real `npm test`, concurrency 2): how long after a commit made
 * outside Slipway (update-ref, as a commit by hand moves the branch) its run starts and ends,
 * with the startup backlog of every branch still queued.
 */
async function demoLatency(dataDir: string): Promise<void> {
  const path = await ensureDemoWorkspace(dataDir)
  const ws = await loadWorkspace(path, { isDemo: true })
  const repo = TestRepo.open(ws.path)
  const seen = new Map<string, { running?: number; done?: number; status?: string }>()
  const service = new TestService({
    workspacePath: ws.path,
    dataDir: await workspaceDataDir(dataDir, ws.path),
    config: ws.config,
    mainBranch: ws.mainBranch,
    fetchIntervalMs: 0,
    log: (message, err) => console.error(message, err ?? ''),
    onEvent: (e) => {
      if (e.kind !== 'run' || e.run.kind !== 'tip') return
      const entry = seen.get(e.run.sha) ?? {}
      if (e.run.status === 'running') entry.running ??= performance.now()
      if (isFinished(e.run.status)) {
        entry.done ??= performance.now()
        entry.status = e.run.status
      }
      seen.set(e.run.sha, entry)
    }
  })
  try {
    await service.start()
    const backlog = service.queue().queued.length + service.queue().running.length
    await new Promise((r) => setTimeout(r, 1000))
    const branch = service.branchStates().find((b) => b.branch.includes('/'))?.branch as string
    const t0 = performance.now()
    const sha = repo.commitTo(branch, { 'NOTES.md': 'by hand\n' }, 'a commit by hand', branch)
    const start = Date.now()
    while (!seen.get(sha)?.done && Date.now() - start < 120_000) {
      await new Promise((r) => setTimeout(r, 20))
    }
    const e = seen.get(sha)
    if (!e?.done || e.running === undefined) throw new Error('the demo commit was not tested')
    console.log(
      `demo_commit_to_running_ms=${fmt(e.running - t0)} demo_commit_to_result_ms=${fmt(e.done - t0)} ` +
        `status=${e.status} backlog_at_startup=${backlog} concurrency=${service.concurrency}`
    )
  } finally {
    await service.stop()
  }
}

/** The `setup_ms=` the setup printed in the newest run of `sha`. */
async function setupTimeInLog(h: Harness, sha: string): Promise<number> {
  const run = h.service.runs({ sha })[0]
  const log = run ? await h.service.readLog(run.id, 0, 1 << 20) : null
  const m = /setup_ms=(\d+)/.exec(log?.text ?? '')
  if (!m) throw new Error(`run of ${sha} printed no setup_ms`)
  return Number(m[1])
}

/** Fails the bench when the newest run of `sha` did not take the expected cache path. */
async function expectLogNote(h: Harness, sha: string, note: string): Promise<void> {
  const run = h.service.runs({ sha })[0]
  const log = run ? await h.service.readLog(run.id, 0, 1 << 20) : null
  if (!log?.text.includes(note)) throw new Error(`run of ${sha} has no "${note}" in its log`)
}

async function sequential(n: number, task: (i: number) => Promise<number>): Promise<number[]> {
  const out: number[] = []
  for (let i = 0; i < n; i += 1) out.push(await task(i))
  return out
}

main().catch((e: unknown) => {
  console.error(e)
  process.exit(1)
})
