/**
 * The team-state benchmark repository: a bare origin holding 10,000 tickets and 2,000 pull
 * requests with reviews and comments as Slipway operation logs, written deterministically by
 * `git fast-import` and cached under the OS temp folder.
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runGit } from '../src/main/services/git/runner'
import { encodeMessage } from '../src/main/services/team-state/op-codec'

/** Bump when the generator changes so a stale cached repository is rebuilt. */
const VERSION = 'v1'

/** Shape of the generated team state. */
export interface TeamBenchSpec {
  readonly tickets: number
  readonly pulls: number
  readonly seed: number
}

/** The scale: 10,000 tickets and 2,000 pull requests with reviews. */
export const TEAM_SPEC: TeamBenchSpec = { tickets: 10_000, pulls: 2_000, seed: 20261126 }

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

const PEOPLE = ['Ana Lima', 'Ben Okafor', 'Cai Tran', 'Dee Park', 'Eli Cohen', 'Fay Wong']
const WORDS = ['checkout', 'invoice', 'cart', 'login', 'search', 'export', 'report', 'cache']

function stream(spec: TeamBenchSpec): { text: string; commits: number } {
  const rnd = prng(spec.seed)
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T
  const hex = (n: number, prefix: string): string => prefix + n.toString(16).padStart(38, '0')
  const out: string[] = []
  let mark = 0
  let clock = 0
  let time = 1_780_000_000
  const op = (
    ref: string,
    parent: number | null,
    type: string,
    data: object,
    summary: string
  ): number => {
    mark += 1
    clock += 1
    time += 7
    const who = pick(PEOPLE)
    const email = `${who.split(' ')[0]?.toLowerCase()}@example.com`
    const msg = encodeMessage(summary, { clock, type, data: data as Record<string, unknown> })
    out.push(
      `commit ${ref}\nmark :${mark}\n`,
      `author ${who} <${email}> ${time} +0000\ncommitter ${who} <${email}> ${time} +0000\n`,
      `data ${Buffer.byteLength(msg)}\n${msg}`,
      parent === null ? '' : `from :${parent}\n`,
      'deleteall\n\n'
    )
    return mark
  }
  for (let i = 0; i < spec.tickets; i += 1) {
    const ref = `refs/slipway/tickets/${hex(i, 'a1')}`
    const title = `${pick(['Fix', 'Add', 'Speed up', 'Remove'])} ${pick(WORDS)} ${i}`
    let tip = op(
      ref,
      null,
      'ticket.create',
      {
        number: i + 1,
        replica: 'bench',
        nonce: i,
        title,
        description: `As a customer I want the ${pick(WORDS)} to work. `.repeat(3),
        type: pick(['story', 'bug', 'task']),
        status: 'todo',
        assignee: null
      },
      `ORD-${i + 1} ${title}`
    )
    for (let e = Math.floor(rnd() * 3); e > 0; e -= 1) {
      tip = op(
        ref,
        tip,
        'ticket.edit',
        { status: pick(['in-progress', 'in-review', 'done']) },
        `ORD-${i + 1} edited`
      )
    }
  }
  for (let i = 0; i < spec.pulls; i += 1) {
    const ref = `refs/slipway/pulls/${hex(i, 'b2')}`
    let tip = op(
      ref,
      null,
      'pr.open',
      {
        branch: `feature/ORD-${i + 1}-${pick(WORDS)}`,
        base: 'main',
        title: `ORD-${i + 1} ${pick(WORDS)}`,
        description: 'What changed and why. '.repeat(8),
        ticket: `ORD-${i + 1}`,
        nonce: i
      },
      `Pull request for ORD-${i + 1}`
    )
    for (let r = 2 + Math.floor(rnd() * 4); r > 0; r -= 1) {
      const verdict = pick(['approve', 'comment', 'request-changes'])
      tip = op(
        ref,
        tip,
        'pr.review',
        { verdict, commit: 'c'.repeat(40), body: 'Looks fine, one nit. '.repeat(4) },
        `Review: ${verdict}`
      )
    }
    if (rnd() < 0.5) tip = op(ref, tip, 'pr.comment', { body: 'Thanks!' }, 'Comment')
  }
  return { text: out.join(''), commits: mark }
}

async function fastImport(repo: string, text: string): Promise<void> {
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
    child.stdin.end(text)
  })
}

/** The bare origin with the generated team state (built once, then reused). */
export async function ensureTeamBenchOrigin(
  spec: TeamBenchSpec = TEAM_SPEC
): Promise<{ path: string; commits: number }> {
  const path = join(
    tmpdir(),
    `slipway-bench-team-${VERSION}-${spec.tickets}-${spec.pulls}-${spec.seed}.git`
  )
  const done = join(path, 'slipway-bench-complete')
  if (existsSync(done)) {
    const count = await runGit(path, ['rev-list', '--count', '--glob=refs/slipway/*'])
    return { path, commits: Number(count.stdout.trim()) }
  }
  await rm(path, { recursive: true, force: true })
  await mkdir(path, { recursive: true })
  await runGit(path, ['init', '--quiet', '--bare', '-b', 'main'])
  await runGit(path, ['config', 'gc.auto', '0'])
  const { text, commits } = stream(spec)
  await fastImport(path, text)
  await runGit(path, ['repack', '-a', '-d', '-q'], { timeoutMs: 600_000 })
  await runGit(path, ['pack-refs', '--all'])
  await writeFile(done, 'ok\n')
  return { path, commits }
}
