import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runGit } from '../src/main/services/git/runner'

/** Bump when the generator changes so a stale cached repository is rebuilt. */
export const BENCH_REPO_VERSION = 'v2'

/** Shape of the generated repository. */
export interface BenchRepoSpec {
  readonly mainCommits: number
  readonly branches: number
  readonly seed: number
}

/** The default benchmark: ~60,000 commits on main and 2,000 branches of 1-30 commits. */
export const DEFAULT_SPEC: BenchRepoSpec = { mainCommits: 60_000, branches: 2_000, seed: 20240611 }

/** A generated benchmark repository. */
export interface BenchRepo {
  readonly path: string
  /** Short names of the generated branches (excluding main). */
  readonly branches: readonly string[]
}

/** Small deterministic PRNG (mulberry32): the same seed always builds the same repository. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const PROJECTS = ['ORD', 'PAY', 'OPS', 'WEB']
const VERBS = ['Add', 'Fix', 'Refactor', 'Speed up', 'Document', 'Remove', 'Rename', 'Test']
const THINGS = ['checkout', 'invoice', 'cart', 'login', 'search', 'export', 'report', 'cache']
const BASE_TIME = 1_600_000_000

/**
 * Writes a `git fast-import` stream: main with periodic merges of short side branches, then
 * `spec.branches` feature branches forking at varied points (some merge main back in).
 */
function buildStream(spec: BenchRepoSpec): { stream: string; branches: string[] } {
  const rnd = prng(spec.seed)
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T
  const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1))
  const ticket = (): string => `${pick(PROJECTS)}-${int(1, 4000)}`
  const subject = (): string => {
    const r = rnd()
    if (r < 0.15) return `${pick(VERBS)} ${pick(THINGS)}`
    if (r < 0.25) return `${ticket()} ${ticket()}: ${pick(VERBS)} ${pick(THINGS)}`
    return `${ticket()}: ${pick(VERBS)} ${pick(THINGS)}`
  }
  const out: string[] = []
  let mark = 0
  const times = new Map<number, number>()
  const commit = (
    ref: string,
    parents: readonly number[],
    msg: string,
    time: number,
    who: string
  ): number => {
    mark += 1
    times.set(mark, time)
    const file = `d${int(0, 19)}/f${int(0, 9)}.txt`
    const content = `${msg}\n${mark}\n`
    const body = `${msg}\n\nGenerated commit ${mark}.\n`
    out.push(
      `commit ${ref}\nmark :${mark}\n`,
      `author ${who} <${who.toLowerCase()}@example.com> ${time} +0000\n`,
      `committer ${who} <${who.toLowerCase()}@example.com> ${time} +0000\n`,
      `data ${Buffer.byteLength(body)}\n${body}`
    )
    parents.forEach((p, i) => out.push(`${i === 0 ? 'from' : 'merge'} :${p}\n`))
    out.push(`M 100644 inline ${file}\ndata ${Buffer.byteLength(content)}\n${content}\n`)
    return mark
  }
  const people = ['Ada', 'Grace', 'Linus', 'Margaret', 'Ken', 'Barbara']
  const chain: number[] = []
  const sideCommits: number[] = []
  let t = BASE_TIME
  let made = 0
  while (made < spec.mainCommits) {
    t += 600
    const prev = chain.at(-1)
    if (prev !== undefined && chain.length % 150 === 0 && chain.length > 20) {
      // A merged side branch: its commits are on main but off its first-parent chain.
      let side = chain[chain.length - int(3, 15)] as number
      const sideTime = t
      for (let k = 0; k < 3; k += 1) {
        side = commit('refs/heads/side', [side], subject(), sideTime + k, pick(people))
        sideCommits.push(side)
        made += 1
      }
      t += 10
      chain.push(commit('refs/heads/main', [prev, side], 'Merge side work', t, pick(people)))
    } else {
      chain.push(
        commit('refs/heads/main', prev === undefined ? [] : [prev], subject(), t, pick(people))
      )
    }
    made += 1
  }
  out.push('reset refs/heads/side\nfrom 0000000000000000000000000000000000000000\n\n')
  const branches: string[] = []
  for (let b = 0; b < spec.branches; b += 1) {
    const kind = pick(['feature', 'feature', 'fix', 'chore', 'spike'])
    const name =
      rnd() < 0.8 ? `${kind}/${ticket()}-${pick(THINGS)}-${b}` : `${kind}/${pick(THINGS)}-${b}`
    branches.push(name)
    const ref = `refs/heads/${name}`
    // A repository with 2,000 branches is mostly branches nobody deleted: 70% fork anywhere
    // in main's history, 27% within its last 600 commits, 3% from a merged side branch.
    const r = rnd()
    let tip: number
    if (r < 0.03 && sideCommits.length > 0) tip = pick(sideCommits)
    else if (r < 0.3) tip = chain[chain.length - 1 - int(0, 600)] as number
    else tip = chain[int(0, chain.length - 1)] as number
    const length = int(1, 30)
    const mergesMain = rnd() < 0.1
    let time = (times.get(tip) ?? BASE_TIME) + 60
    for (let k = 0; k < length; k += 1) {
      const parents = [tip]
      if (mergesMain && k === Math.floor(length / 2)) {
        const forkPos = chain.indexOf(tip)
        const later = chain[
          Math.min(chain.length - 1, Math.max(forkPos, 0) + int(1, 300))
        ] as number
        parents.push(later)
        time = Math.max(time, (times.get(later) ?? time) + 60)
      }
      tip = commit(ref, parents, parents.length > 1 ? 'Merge main' : subject(), time, pick(people))
      time += 60
    }
  }
  return { stream: out.join(''), branches }
}

async function fastImport(repo: string, stream: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = spawn('git', ['fast-import', '--quiet'], {
      cwd: repo,
      stdio: ['pipe', 'ignore', 'pipe']
    })
    const err: Buffer[] = []
    child.stderr.on('data', (b: Buffer) => err.push(b))
    child.on('error', reject)
    child.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`git fast-import failed: ${Buffer.concat(err).toString()}`))
    )
    child.stdin.end(stream)
  })
}

/**
 * The benchmark repository, generated once per {@link BENCH_REPO_VERSION} and spec under the
 * OS temp folder and reused by later runs. No commit-graph file is written and auto-gc is off
 * so every timing is a cold walk over the pack.
 */
export async function ensureBenchRepo(spec: BenchRepoSpec = DEFAULT_SPEC): Promise<BenchRepo> {
  const key = `${BENCH_REPO_VERSION}-${spec.mainCommits}-${spec.branches}-${spec.seed}`
  const path = join(tmpdir(), `slipway-bench-branches-${key}`)
  const done = join(path, '.git', 'slipway-bench-complete')
  if (existsSync(done)) {
    return { path, branches: JSON.parse(await readFile(done, 'utf8')) as string[] }
  }
  await rm(path, { recursive: true, force: true })
  await mkdir(path, { recursive: true })
  await runGit(path, ['init', '--quiet', '-b', 'main'])
  for (const [k, v] of [
    ['gc.auto', '0'],
    ['core.commitGraph', 'false'],
    ['fetch.writeCommitGraph', 'false'],
    ['user.name', 'Bench'],
    ['user.email', 'bench@example.com']
  ] as const) {
    await runGit(path, ['config', k, v])
  }
  const { stream, branches } = buildStream(spec)
  await fastImport(path, stream)
  // fast-import leaves a pack shaped for writing, not reading; repack as `git gc` would (but
  // without gc's commit-graph) so timings reflect an ordinary repository.
  await runGit(path, ['repack', '-a', '-d', '-q'], { timeoutMs: 600_000 })
  await runGit(path, ['pack-refs', '--all'])
  await writeFile(done, JSON.stringify(branches))
  return { path, branches }
}
