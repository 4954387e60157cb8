/**
 * Benchmark of the branch listing (`npm run bench:branches`): BranchReader.list() on a
 * generated repository of 2,000 branches and ~60,000 commits on main, against git's own
 * floor (one full `rev-list --parents` walk) and the naive one-process-per-branch way.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { BranchReader } from '../src/main/services/git/branches'
import { runGit, streamGitLines } from '../src/main/services/git/runner'
import { readBranchRefs } from '../src/main/services/git/refs'
import { ensureBenchRepo } from './generate-repo'

const RUNS = 5
const NAIVE_SAMPLE = 100
const TICKETS = '[A-Z][A-Z0-9]+-[0-9]+'
const TARGET_RATIO = 1.5
const TARGET_SPEEDUP = 200
const TARGET_REFRESH_MS = 100

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2
}

async function timed<T>(task: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now()
  const value = await task()
  return [value, performance.now() - start]
}

const newReader = (repo: string): BranchReader =>
  new BranchReader(repo, { mainBranch: 'main', ticketPattern: TICKETS })

async function main(): Promise<void> {
  const [repo, genMs] = await timed(() => ensureBenchRepo())
  const path = repo.path
  const commits = Number((await runGit(path, ['rev-list', '--all', '--count'])).stdout.trim())
  const onMain = Number((await runGit(path, ['rev-list', '--count', 'main'])).stdout.trim())
  console.log(`repo=${path}`)
  console.log(`branches=${repo.branches.length} commits=${commits} main_commits=${onMain}`)
  console.log(`repo_ready_ms=${Math.round(genMs)}`)
  const info = join(path, '.git', 'objects', 'info')
  if (existsSync(join(info, 'commit-graph')) || existsSync(join(info, 'commit-graphs'))) {
    throw new Error('the bench repository has a commit-graph file; delete it for a cold walk')
  }

  // (a) and (b), interleaved so machine load affects both alike.
  const cold: number[] = []
  const floor: number[] = []
  let reader = newReader(path)
  for (let i = 0; i < RUNS; i += 1) {
    reader = newReader(path)
    cold.push((await timed(() => reader.list()))[1])
    floor.push((await timed(() => runGit(path, ['rev-list', '--all', '--parents'])))[1])
  }
  const listing = await reader.list()

  // How subjects are read: measured alternatives for the walk itself.
  const refs = await readBranchRefs(path)
  const tips = [...new Set(refs.map((r) => r.sha))].join('\n') + '\n'
  const mainSha = listing.mainSha as string
  const drain = (): void => {}
  const alt = {
    parentsOnly: [] as number[],
    withSubjects: [] as number[],
    twoWalks: [] as number[]
  }
  for (let i = 0; i < 3; i += 1) {
    const walk = (format: string[], input: string) =>
      streamGitLines(path, ['rev-list', ...format, '--stdin'], drain, { input })
    alt.parentsOnly.push((await timed(() => walk(['--parents'], tips)))[1])
    alt.withSubjects.push(
      (await timed(() => walk(['--no-commit-header', '--format=%H %P%x00%s'], tips)))[1]
    )
    alt.twoWalks.push(
      (
        await timed(() =>
          Promise.all([
            walk(['--parents'], tips),
            walk(['--no-commit-header', '--format=%H%x00%s'], `${tips}^${mainSha}\n`)
          ])
        )
      )[1]
    )
  }
  console.log(
    `walk_parents_only_ms=${Math.round(median(alt.parentsOnly))}` +
      ` walk_with_subjects_ms=${Math.round(median(alt.withSubjects))}` +
      ` walk_parents_plus_parallel_subjects_ms=${Math.round(median(alt.twoWalks))}`
  )

  // (c) naive: one rev-list per branch, on a sample, scaled to every branch.
  const others = listing.branches.filter((b) => !b.isMain)
  const step = Math.max(1, Math.floor(others.length / NAIVE_SAMPLE))
  const sample = others.filter((_, i) => i % step === 0).slice(0, NAIVE_SAMPLE)
  let mismatches = 0
  const [, naiveSampleMs] = await timed(async () => {
    for (const b of sample) {
      const out = await runGit(path, [
        'rev-list',
        '--left-right',
        '--count',
        `${mainSha}...${b.sha}`
      ])
      const [behind, ahead] = out.stdout.trim().split(/\s+/).map(Number)
      if (behind !== b.behind || ahead !== b.ahead) {
        mismatches += 1
        console.error(`MISMATCH ${b.name}: slipway ${b.ahead}/${b.behind}, git ${ahead}/${behind}`)
      }
    }
  })
  const naiveMs = (naiveSampleMs * listing.branches.length) / sample.length

  // Refresh: move one branch by one commit, time list() on the warm reader, put it back.
  const target = others[Math.floor(others.length / 2)]
  if (!target) throw new Error('no branch to move')
  const refresh: number[] = []
  for (let i = 0; i < 3; i += 1) {
    const env = { GIT_AUTHOR_DATE: `${1_700_000_000 + i} +0000` }
    const moved = (
      await runGit(path, [
        '-c',
        'user.name=Bench',
        '-c',
        'user.email=bench@example.com',
        'commit-tree',
        `${target.sha}^{tree}`,
        '-p',
        target.sha,
        '-m',
        `ORD-99999: bench refresh ${i} ${Object.values(env).join('')}`
      ])
    ).stdout.trim()
    const update = (from: string, to: string) =>
      runGit(path, ['update-ref', '-z', '--stdin'], {
        input: `update ${target.ref}\0${to}\0${from}\0`
      })
    await update(target.sha, moved)
    try {
      const [after, ms] = await timed(() => reader.list())
      refresh.push(ms)
      const b = after.branches.find((x) => x.ref === target.ref)
      if (!b || b.ahead !== target.ahead + 1 || !b.tickets.includes('ORD-99999')) {
        mismatches += 1
        console.error(`MISMATCH after refresh: ${JSON.stringify(b)}`)
      }
    } finally {
      await update(moved, target.sha)
    }
    await reader.list()
  }

  const coldMs = median(cold)
  const floorMs = median(floor)
  const ratio = coldMs / floorMs
  const speedup = naiveMs / coldMs
  const refreshMs = median(refresh)
  console.log(
    `slipway_cold_list_ms=${Math.round(coldMs)} (runs: ${cold.map(Math.round).join(', ')})`
  )
  console.log(
    `floor_rev_list_all_parents_ms=${Math.round(floorMs)} (runs: ${floor.map(Math.round).join(', ')})`
  )
  console.log(
    `naive_sample_ms=${Math.round(naiveSampleMs)} for ${sample.length} branches` +
      ` (${(naiveSampleMs / sample.length).toFixed(1)} ms per branch;` +
      ` median behind ${median(sample.map((b) => b.behind))})`
  )
  console.log(`naive_scaled_ms=${Math.round(naiveMs)} for ${listing.branches.length} branches`)
  console.log(`counts_checked=${sample.length} mismatches=${mismatches}`)
  console.log(`ratio_to_floor=${ratio.toFixed(2)}`)
  console.log(`speedup_vs_naive=${Math.round(speedup)}`)
  console.log(
    `refresh_after_one_branch_ms=${Math.round(refreshMs)} (runs: ${refresh.map(Math.round).join(', ')})`
  )
  const verdicts = [
    [`ratio_to_floor <= ${TARGET_RATIO}`, ratio <= TARGET_RATIO],
    [`speedup_vs_naive >= ${TARGET_SPEEDUP}`, speedup >= TARGET_SPEEDUP],
    [`refresh_after_one_branch_ms <= ${TARGET_REFRESH_MS}`, refreshMs <= TARGET_REFRESH_MS],
    ['counts equal git rev-list --left-right --count', mismatches === 0]
  ] as const
  for (const [label, ok] of verdicts) console.log(`${ok ? 'PASS' : 'FAIL'} ${label}`)
  if (verdicts.some(([, ok]) => !ok)) process.exitCode = 1
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e)
  process.exitCode = 1
})
