import type { AppEvent } from '../../shared/contract'
import type { Deployment, Release } from '../../shared/deploy-models'
import {
  checkLockAndBreak,
  checkNoOrphans,
  checkResultsAndLogs,
  checkStatusTruth,
  readResultsAtDeath,
  testProcessesOf,
  type CheckResult
} from './kill-checks'
import { currentOnDisk, twoMainCommits, type ServeRig } from './serve-rig'
import { invoke, openEventStream, type ServeAddress } from './serve-client'

// Issue 11 item 3: SIGKILL `slipway serve` at chosen points, start it again, check the truth.
// A deployment's kill point is a (host, step) pair seen on the event stream; the points are
// spread over every step the probe deployment went through.

/** Where a deployment is killed: when `host` enters `step`, after `delayMs`. */
export interface KillPoint {
  readonly host: string
  readonly step: string
  readonly delayMs: number
  /**
   * The (host, step) pairs, as `host step`, that stand for this point when its own does not
   * happen in this deployment (a release already on a host is not unpacked again): the probe's
   * later steps, in order. Default: none.
   */
  readonly orLater?: readonly string[]
}

/** How one iteration went. */
export interface IterationResult {
  readonly kind: 'deploy' | 'tests'
  /** What the events showed when serve was killed ("staging-2 health", "test log chunk"). */
  readonly killedAt: string
  readonly checks: readonly CheckResult[]
  readonly recovered: boolean
}

/** The (host, step) pairs a deployment goes through, in order, as its events show them. */
export async function probeSteps(at: ServeAddress, release: string, env: string) {
  const seen: { host: string; step: string }[] = []
  const done = await followDeployment(at, release, env, (d) => {
    for (const h of d.hosts) {
      const last = seen.findLast((s) => s.host === h.host)
      if (h.state === 'running' && last?.step !== h.step) seen.push({ host: h.host, step: h.step })
    }
    return false
  })
  if (done.status !== 'succeeded')
    throw new Error(`probe deployment ${done.status}: ${done.summary}`)
  // And the moment it ends: its records (host logs, this machine's history) are being written.
  return [...seen, { host: '*', step: 'end' }]
}

/**
 * Starts deploying `release` and calls `stop` on every state of it from the event stream until
 * `stop` answers true (answers that state) or the deployment ends (answers the final state).
 */
async function followDeployment(
  at: ServeAddress,
  release: string,
  env: string,
  stop: (d: Deployment) => boolean
): Promise<Deployment> {
  let id = ''
  const early: Deployment[] = []
  let settle: (d: Deployment) => void = () => {}
  const result = new Promise<Deployment>((r) => (settle = r))
  const consider = (d: Deployment): void => {
    if (stop(d) || d.status !== 'running') settle(d)
  }
  const stream = openEventStream(at, (e: AppEvent) => {
    if (e.event !== 'deployments.changed') return
    const d = e.payload.deployment
    if (id === '') early.push(d)
    else if (d.id === id) consider(d)
  })
  try {
    await stream.opened
    const started = await invoke<Deployment>(at, 'deployments.start', {
      release,
      environment: env,
      reason: 'kill test'
    })
    id = started.id
    for (const d of [started, ...early.filter((x) => x.id === id)]) consider(d)
    const timeout = new Promise<Deployment>((_, reject) =>
      setTimeout(() => reject(new Error('the deployment did not end in 180 s')), 180_000).unref()
    )
    return await Promise.race([result, timeout])
  } finally {
    stream.close()
  }
}

/** The rig's two releases (built once, from main's last two commits). */
export async function buildReleases(rig: ServeRig, at: ServeAddress): Promise<[string, string]> {
  const [a, b] = await twoMainCommits(rig.demo)
  const first = await invoke<Release>(at, 'releases.create', { commit: a })
  const second = await invoke<Release>(at, 'releases.create', { commit: b })
  return [first.id, second.id]
}

/** The release to deploy next: the one the first host does not run. */
export function nextRelease(rig: ServeRig, releases: readonly [string, string]): string {
  const first = rig.hosts[0]
  return first && currentOnDisk(first) === releases[0] ? releases[1] : releases[0]
}

/** One deployment killed at `point`, serve started again, everything checked. */
export async function deployKillIteration(
  rig: ServeRig,
  releases: readonly [string, string],
  point: KillPoint
): Promise<IterationResult> {
  const serve = rig.serve ?? (await rig.start())
  const before = rig.hosts.map(currentOnDisk)
  let killedAt = ''
  const keys = [`${point.host} ${point.step}`, ...(point.orLater ?? [])]
  await followDeployment(serve, nextRelease(rig, releases), rig.environment, (d) => {
    const h = d.hosts.find((x) => x.state === 'running' && keys.includes(`${x.host} ${x.step}`))
    if (h) killedAt = `${h.host} ${h.step}`
    return h !== undefined
  }).then((d) => {
    if (killedAt === '') killedAt = `${point.step === 'end' ? 'at' : 'after'} the end (${d.status})`
  })
  await new Promise((r) => setTimeout(r, point.delayMs))
  return afterKill(rig, 'deploy', killedAt, before)
}

/**
 * A test run killed while it writes its log: a run is requested (forced) on main, serve is
 * killed once `chunks` log chunks of it arrived on the event stream.
 */
export async function testKillIteration(rig: ServeRig, chunks: number): Promise<IterationResult> {
  const serve = rig.serve ?? (await rig.start())
  const before = rig.hosts.map(currentOnDisk)
  let seen = 0
  let settle: () => void = () => {}
  const reached = new Promise<void>((r) => (settle = r))
  const stream = openEventStream(serve, (e) => {
    if (e.event === 'tests.log' && ++seen >= chunks) settle()
  })
  await stream.opened
  await invoke(serve, 'tests.request', { branch: 'main', force: true })
  const timeout = new Promise<void>((_, reject) =>
    setTimeout(() => reject(new Error('no test log arrived in 120 s')), 120_000).unref()
  )
  try {
    await Promise.race([reached, timeout])
  } finally {
    stream.close()
  }
  return afterKill(rig, 'tests', `test log chunk ${seen}`, before)
}

async function afterKill(
  rig: ServeRig,
  kind: IterationResult['kind'],
  killedAt: string,
  before: readonly (string | null)[]
): Promise<IterationResult> {
  const pid = rig.serve?.child.pid ?? 0
  const alive = testProcessesOf(pid).length
  await rig.kill()
  const died = readResultsAtDeath(rig)
  const serve = await rig.start()
  const checks: CheckResult[] = []
  const guard = async (name: string, f: () => Promise<CheckResult | CheckResult[]>) => {
    try {
      const r = await f()
      checks.push(...(Array.isArray(r) ? r : [r]))
    } catch (error) {
      checks.push({ name, ok: false, detail: String(error) })
    }
  }
  await guard('status is the disk', () => checkStatusTruth(rig, serve, before))
  await guard('dead lock recognised and broken', () => checkLockAndBreak(rig, serve, pid))
  await guard('no orphan of the dead run', () => checkNoOrphans(rig, pid, alive))
  await guard('results and logs read back', () => checkResultsAndLogs(serve, died))
  return { kind, killedAt, checks, recovered: checks.every((c) => c.ok) }
}

/** `count` kill points spread evenly over the probe's steps, with a small random delay. */
export function spreadPoints(
  steps: readonly { host: string; step: string }[],
  count: number,
  random: () => number = Math.random
): KillPoint[] {
  return Array.from({ length: count }, (_, i) => {
    const at = Math.floor((i * steps.length) / count)
    const s = steps[at]
    if (!s) throw new Error('the probe deployment showed no step')
    const orLater = steps.slice(at + 1).map((x) => `${x.host} ${x.step}`)
    return { ...s, orLater, delayMs: Math.floor(random() * 60) }
  })
}
