/**
 * Benchmark of team state (`npm run bench:state`) on 10,000 tickets and 2,000 pull requests
 * with reviews, synced from a generated origin into a fresh clone:
 *   - a cold fold (a new store reading every log) against git's own floor for the same
 *     objects: one `for-each-ref` plus one `cat-file --batch` of every commit;
 *   - a sync with nothing new against one plain `git fetch` of the same refspec;
 *   - appending one operation.
 * Ratios are against baselines measured in the same run, interleaved with Slipway's runs.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gitProcessCount, runGit, streamGitLines } from '../src/main/services/git/runner'
import {
  FETCH_REFSPEC,
  isSequencePath,
  syncTeamState,
  TeamStateStore
} from '../src/main/services/team-state'
import { foldForBench } from './team-state-fold'
import { ensureTeamBenchOrigin } from './generate-team-state'

const RUNS = 5
const APPENDS = 40
const TARGET_FOLD_MS = 1000
const TARGET_FOLD_RATIO = 3
const TARGET_APPEND_MS = 50

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2
}
const pct = (xs: readonly number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] as number
}
async function timed<T>(task: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now()
  const value = await task()
  return [value, performance.now() - start]
}
const runs = (xs: readonly number[]): string => xs.map(Math.round).join(', ')

async function main(): Promise<void> {
  const [origin, genMs] = await timed(() => ensureTeamBenchOrigin())
  console.log(`origin=${origin.path} commits=${origin.commits} ready_ms=${Math.round(genMs)}`)
  const clone = mkdtempSync(join(tmpdir(), 'slipway-bench-team-clone-'))
  try {
    execFileSync('git', ['init', '--quiet', '-b', 'main', clone])
    for (const args of [
      ['remote', 'add', 'origin', origin.path],
      ['config', 'user.name', 'Bench Person'],
      ['config', 'user.email', 'bench@example.com'],
      ['config', 'gc.auto', '0']
    ]) {
      execFileSync('git', args, { cwd: clone })
    }
    const first = await TeamStateStore.open(clone)
    const [firstSync, firstMs] = await timed(() =>
      syncTeamState(first, { isLinear: isSequencePath })
    )
    if (firstSync.kind !== 'synced') throw new Error(`first sync: ${JSON.stringify(firstSync)}`)
    console.log(`first_sync_ms=${Math.round(firstMs)} (received ${firstSync.received} entities)`)

    // Cold fold against for-each-ref + cat-file --batch of the same commits.
    const all = (await runGit(clone, ['rev-list', '--glob=refs/slipway/*'])).stdout
    const objects = all.split('\n').filter(Boolean).length
    const fold: number[] = []
    const floor: number[] = []
    let summary = ''
    for (let i = 0; i < RUNS; i += 1) {
      const [folded, ms] = await timed(async () => foldForBench(await TeamStateStore.open(clone)))
      fold.push(ms)
      summary = folded
      floor.push(
        (
          await timed(async () => {
            await runGit(clone, [
              'for-each-ref',
              '--format=%(refname) %(objectname)',
              'refs/slipway/'
            ])
            await streamGitLines(clone, ['cat-file', '--batch'], () => {}, { input: all })
          })
        )[1]
      )
    }
    console.log(`folded: ${summary}; commits read: ${objects}`)
    const foldMs = median(fold)
    const floorMs = median(floor)
    console.log(`cold_fold_ms=${Math.round(foldMs)} (runs: ${runs(fold)})`)
    console.log(`floor_for_each_ref_plus_cat_file_ms=${Math.round(floorMs)} (runs: ${runs(floor)})`)
    console.log(`fold_ratio_to_floor=${(foldMs / floorMs).toFixed(2)}`)

    // A sync with nothing new against one plain fetch of the same refspec.
    const warm = await TeamStateStore.open(clone)
    await warm.snapshot()
    const noop: number[] = []
    const fetchOnly: number[] = []
    let fetches = 0
    let processes = 0
    let pushed = 0
    for (let i = 0; i < RUNS; i += 1) {
      const before = gitProcessCount()
      const [out, ms] = await timed(() => syncTeamState(warm, { isLinear: isSequencePath }))
      processes = gitProcessCount() - before
      if (out.kind !== 'synced') throw new Error(`no-op sync: ${JSON.stringify(out)}`)
      fetches = Math.max(fetches, out.attempts)
      pushed += out.pushed
      noop.push(ms)
      fetchOnly.push(
        (
          await timed(() =>
            runGit(clone, [
              'fetch',
              '--quiet',
              '--no-tags',
              '--prune',
              '--no-write-fetch-head',
              'origin',
              FETCH_REFSPEC
            ])
          )
        )[1]
      )
    }
    const noopMs = median(noop)
    const fetchMs = median(fetchOnly)
    console.log(
      `noop_sync_ms=${Math.round(noopMs)} (runs: ${runs(noop)}) fetches=${fetches} pushes=${pushed} git_processes=${processes}`
    )
    console.log(`plain_fetch_ms=${Math.round(fetchMs)} (runs: ${runs(fetchOnly)})`)
    console.log(`noop_sync_ratio_to_fetch=${(noopMs / fetchMs).toFixed(2)}`)

    // Appending one operation to an existing ticket, in a process that has read the state.
    const paths = [...(await warm.readRefs()).local.keys()].filter((p) => p.startsWith('tickets/'))
    const appends: number[] = []
    for (let i = 0; i < APPENDS; i += 1) {
      const path = paths[(i * 997) % paths.length] as string
      appends.push(
        (
          await timed(() =>
            warm.append({
              path,
              type: 'ticket.edit',
              data: { status: 'done' },
              summary: 'bench edit',
              mode: 'append'
            })
          )
        )[1]
      )
    }
    const appendMs = median(appends)
    console.log(
      `append_ms=${appendMs.toFixed(1)} p95=${pct(appends, 0.95).toFixed(1)} (${APPENDS} appends)`
    )

    const verdicts = [
      [`cold_fold_ms <= ${TARGET_FOLD_MS}`, foldMs <= TARGET_FOLD_MS],
      [`fold_ratio_to_floor <= ${TARGET_FOLD_RATIO}`, foldMs / floorMs <= TARGET_FOLD_RATIO],
      ['noop sync: one fetch, no push', fetches === 1 && pushed === 0],
      [`append_ms <= ${TARGET_APPEND_MS}`, appendMs <= TARGET_APPEND_MS]
    ] as const
    for (const [label, ok] of verdicts) console.log(`${ok ? 'PASS' : 'FAIL'} ${label}`)
    if (verdicts.some(([, ok]) => !ok)) process.exitCode = 1
  } finally {
    rmSync(clone, { recursive: true, force: true })
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e)
  process.exitCode = 1
})
