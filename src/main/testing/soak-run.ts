import { randomUUID } from 'node:crypto'
import { appendFile, mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { Deployment, Release } from '../../shared/deploy-models'
import type { TestQueue, TestRun } from '../../shared/test-models'
import { runGit } from '../services/git'
import { createServeRig, type ServeRig } from './serve-rig'
import { processesMarked, sampleProcess } from './process-sample'
import { invoke, openEventStream, type EventStream, type ServeAddress } from './serve-client'

// Issue 11 item 4: `slipway serve` on the demo for a long while with continual testing: commits
// pushed and made from outside Slipway, deployments one after another, event-stream clients
// coming and going; then what serve holds must be back at its baseline.

/** How much work the soak does. */
export interface SoakCounts {
  readonly commits: number
  readonly deployments: number
  readonly clients: number
}

/** What serve held at one moment. */
export interface SoakSnapshot {
  readonly rssKb: number
  readonly heapUsedKb: number
  readonly fds: number
  /** Processes below serve (test runs, git, hooks). */
  readonly children: readonly string[]
  /** Processes serve started on its local hosts that outlive their command (the demo's apps). */
  readonly hostProcesses: readonly string[]
  /** Node's live handles and requests in serve (sockets, timers, watchers, child processes). */
  readonly resources: number
  /** Event-stream clients serve holds. */
  readonly eventStreams: number
}

/** What the soak did and measured. */
export interface SoakResult {
  readonly baseline: SoakSnapshot
  readonly end: SoakSnapshot
  readonly commits: number
  readonly deployments: { readonly succeeded: number; readonly other: readonly string[] }
  readonly clients: { readonly opened: number; readonly events: number }
  readonly testRuns: number
  readonly releases: number
  readonly seconds: number
}

const MARKER = 'SLIPWAY_TEST_RUN'

/** The part of serve's `GET /api/diagnostics` answer the soak reads. */
interface DiagnosticsReading {
  readonly heapUsedBytes: number
  readonly collected: boolean
  readonly resources: Readonly<Record<string, number>>
  readonly eventStreams: number
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Runs the soak on a fresh demo and answers the numbers (the rig is removed at the end). */
export async function runSoak(
  counts: SoakCounts,
  progress: (line: string) => void = () => {}
): Promise<SoakResult> {
  const marker = randomUUID()
  const rig = await createServeRig({
    hosts: 1,
    testCommand: 'npm test',
    env: { [MARKER]: marker },
    nodeArgs: ['--expose-gc']
  })
  const started = Date.now()
  try {
    const serve = await rig.start()
    const dev = await developerClone(rig)
    const snapshot = () => measure(rig, serve, marker)
    let releases = await buildPair(rig, serve)
    const deploy = async (i: number): Promise<Deployment> =>
      deployAndWait(serve, releases[i % 2] as string, rig.environment)
    // Warm-up: what a first deployment, test run and client make once (caches, modules).
    await deploy(0)
    await deploy(1)
    await clientFor(serve, 1000)
    await testsIdle(serve)
    const baseline = await snapshot()
    progress(`baseline: ${format(baseline)}`)
    let commits = 0
    let opened = 0
    let events = 0
    const clients: Promise<number>[] = []
    const other: string[] = []
    let succeeded = 0
    for (let i = 0; i < counts.deployments; i++) {
      const target = Math.round((counts.commits * (i + 1)) / counts.deployments)
      commits = await commitUpTo(rig, dev, commits, target)
      if (opened < Math.round((counts.clients * (i + 1)) / counts.deployments)) {
        opened += 1
        clients.push(clientFor(serve, 1000 + Math.random() * 14_000))
      }
      if (i > 0 && i % 50 === 0) releases = await buildPair(rig, serve)
      const d = await deploy(i)
      if (d.status === 'succeeded') succeeded += 1
      else other.push(`${d.id} ${d.status}: ${d.summary}`)
      if ((i + 1) % 10 === 0) {
        progress(
          `${i + 1}/${counts.deployments} deployments, ${commits} commits, ${opened} clients`
        )
      }
    }
    commits = await commitUpTo(rig, dev, commits, counts.commits)
    while (opened < counts.clients) {
      opened += 1
      clients.push(clientFor(serve, 1000 + Math.random() * 4000))
    }
    for (const n of await Promise.all(clients)) events += n
    await testsIdle(serve)
    const runs = await invoke<TestRun[]>(serve, 'tests.runs', { limit: 10_000 })
    const all = await invoke<Release[]>(serve, 'releases.list', {})
    await sleep(5_000)
    const end = await snapshot()
    return {
      baseline,
      end,
      commits,
      deployments: { succeeded, other },
      clients: { opened, events },
      testRuns: runs.length,
      releases: all.length,
      seconds: Math.round((Date.now() - started) / 1000)
    }
  } finally {
    await rig.close()
  }
}

/** One line of a snapshot. */
export function format(s: SoakSnapshot): string {
  return (
    `rss ${(s.rssKb / 1024).toFixed(1)} MB, heap ${(s.heapUsedKb / 1024).toFixed(1)} MB, ` +
    `fds ${s.fds}, child processes ${s.children.length}, host processes ${s.hostProcesses.length}, ` +
    `node handles ${s.resources}, event-stream clients ${s.eventStreams}`
  )
}

/** One measure from start to end and the most its end may be. */
export interface SoakLimit {
  readonly name: string
  readonly start: number
  readonly end: number
  readonly limit: number
  readonly unit: string
}

/**
 * What must be back at baseline: heap +20% or +8 MB, RSS +30% or +40 MB (whichever is larger),
 * fds +4, node handles +4, no more event-stream clients held, child or local-host processes
 * than at the start.
 */
export function soakLimits(r: Pick<SoakResult, 'baseline' | 'end'>): SoakLimit[] {
  const mb = (kb: number) => kb / 1024
  const grow = (name: string, start: number, end: number, ratio: number, abs: number) => ({
    name,
    start,
    end,
    limit: start + Math.max(start * ratio, abs),
    unit: 'MB'
  })
  const same = (name: string, f: (s: SoakSnapshot) => number, slack: number) => ({
    name,
    start: f(r.baseline),
    end: f(r.end),
    limit: f(r.baseline) + slack,
    unit: ''
  })
  return [
    grow('heap', mb(r.baseline.heapUsedKb), mb(r.end.heapUsedKb), 0.2, 8),
    grow('rss', mb(r.baseline.rssKb), mb(r.end.rssKb), 0.3, 40),
    same('fds', (s) => s.fds, 4),
    same('node handles', (s) => s.resources, 4),
    same('event-stream clients held', (s) => s.eventStreams, 0),
    same('child processes', (s) => s.children.length, 0),
    same('local-host processes', (s) => s.hostProcesses.length, 0)
  ]
}

async function measure(rig: ServeRig, at: ServeAddress, marker: string): Promise<SoakSnapshot> {
  const pid = rig.serve?.child.pid ?? 0
  const res = await fetch(`${at.origin}/api/diagnostics?gc=1`, {
    headers: { authorization: `Bearer ${at.token}` }
  })
  const body = (await res.json()) as { ok: boolean; value: DiagnosticsReading }
  if (!body.ok || !body.value.collected) throw new Error('serve did not collect garbage on request')
  const sample = sampleProcess(pid)
  return {
    rssKb: sample.rssKb,
    heapUsedKb: Math.round(body.value.heapUsedBytes / 1024),
    fds: sample.fds,
    children: sample.descendants,
    hostProcesses: processesMarked(MARKER, marker).filter((p) => !p.startsWith(`${pid} `)),
    resources: Object.values(body.value.resources).reduce((a, b) => a + b, 0),
    eventStreams: body.value.eventStreams
  }
}

async function buildPair(rig: ServeRig, at: ServeAddress): Promise<[string, string]> {
  const out = await runGit(rig.demo, ['rev-list', '--max-count=2', 'main'])
  const [a, b] = out.stdout.trim().split('\n')
  const first = await invoke<Release>(at, 'releases.create', { commit: a })
  const second = await invoke<Release>(at, 'releases.create', { commit: b })
  return [first.id, second.id]
}

async function deployAndWait(at: ServeAddress, release: string, env: string): Promise<Deployment> {
  const started = await invoke<Deployment>(at, 'deployments.start', { release, environment: env })
  for (let i = 0; i < 1800; i++) {
    const d = (await invoke<Deployment[]>(at, 'deployments.list', {})).find(
      (x) => x.id === started.id
    )
    if (d && d.status !== 'running') return d
    await sleep(100)
  }
  throw new Error(`deployment ${started.id} did not end in 3 minutes`)
}

/** Opens an event stream, keeps it `ms`, closes it; answers how many events it received. */
async function clientFor(at: ServeAddress, ms: number): Promise<number> {
  const stream: EventStream = openEventStream(at, () => {})
  await stream.opened
  await sleep(ms)
  const n = stream.received()
  stream.close()
  return n
}

async function testsIdle(at: ServeAddress): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    const q = await invoke<TestQueue>(at, 'tests.queue', {})
    if (q.running.length === 0 && q.queued.length === 0) return
    await sleep(500)
  }
  throw new Error('the test queue did not empty in 10 minutes')
}

/** A developer's clone of the demo, pushing to it (commits made outside Slipway). */
interface DevClone {
  readonly dir: string
  readonly branches: readonly string[]
}

async function developerClone(rig: ServeRig): Promise<DevClone> {
  const dir = join(rig.root, 'dev')
  await runGit(rig.root, ['clone', '--quiet', '--', rig.demo, dir])
  const remote = await runGit(dir, ['branch', '-r', '--format=%(refname:lstrip=3)'])
  const branches = remote.stdout.split('\n').filter((b) => b !== '' && b !== 'main' && b !== 'HEAD')
  for (const b of branches) await runGit(dir, ['branch', '--quiet', '--', b, `origin/${b}`])
  return { dir, branches }
}

/**
 * Commits until `target`: on the developer's branches (pushed to the demo), and every tenth
 * in the demo's own checkout on main, as someone working in it does.
 */
async function commitUpTo(rig: ServeRig, dev: DevClone, done: number, target: number) {
  const touched = new Set<string>()
  const id = ['-c', 'user.name=Dana Dev', '-c', 'user.email=dana@example.com']
  for (let n = done; n < target; n++) {
    if (n % 10 === 9) {
      await mkdir(join(rig.demo, 'notes'), { recursive: true })
      await appendFile(join(rig.demo, 'notes', 'soak.md'), `change ${n}\n`)
      await runGit(rig.demo, ['add', '--', 'notes/soak.md'])
      await runGit(rig.demo, [
        ...id,
        'commit',
        '--quiet',
        '-m',
        `Soak note ${n}`,
        '--',
        'notes/soak.md'
      ])
      continue
    }
    const branch = dev.branches[n % dev.branches.length] as string
    await runGit(dev.dir, ['checkout', '--quiet', branch])
    await mkdir(join(dev.dir, 'notes'), { recursive: true })
    await appendFile(join(dev.dir, 'notes', `${branch.replace(/\W/g, '-')}.md`), `change ${n}\n`)
    await runGit(dev.dir, ['add', '--all', '--', 'notes'])
    await runGit(dev.dir, [...id, 'commit', '--quiet', '-m', `Work on ${branch} (${n})`])
    touched.add(branch)
  }
  for (const b of touched) {
    await runGit(dev.dir, ['push', '--quiet', 'origin', `refs/heads/${b}:refs/heads/${b}`])
  }
  return target
}
