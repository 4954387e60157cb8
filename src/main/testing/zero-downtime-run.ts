// Test support: deployments run while the load generator sends requests through nginx, and
// the figures a user behind the balancer would see (the test and the benchmark share it).
import type { Deployment } from '../../shared/deploy-models'
import { startLoad, windowFigures, type LoadRecord, type WindowFigures } from './load-client'
import type { ZeroDowntimeRig } from './zero-downtime-rig'

/** One deployment (deploy, rollback…) to run under load. */
export interface Scenario {
  readonly name: string
  readonly run: () => Promise<Deployment>
  /** The release every response must come from once it is over. */
  readonly releaseAfter: string
}

/** What one scenario did and what the clients saw. */
export interface ScenarioResult {
  readonly name: string
  readonly deployment: Deployment
  readonly seconds: number
  /** Requests started while it ran. */
  readonly during: WindowFigures
  /** Requests started after it ended, until the next one began. */
  readonly after: WindowFigures
}

/** A whole run under load. */
export interface LoadRun {
  /** Requests of the quiet time before the first scenario. */
  readonly idle: WindowFigures
  readonly scenarios: readonly ScenarioResult[]
  readonly total: WindowFigures
  /**
   * Requests sent again because a kept-alive connection closed before any answer whose first
   * attempt nginx never logged: it never read them, so sending again was safe.
   */
  readonly retriedUnread: number
  /** Retried requests whose first attempt nginx did log (it read them): must be none. */
  readonly retriedButRead: readonly string[]
  readonly records: readonly LoadRecord[]
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/**
 * Starts the load, waits `idleMs` (the idle baseline), then runs each scenario in turn with
 * `settleMs` of load after each, stops the load and works out the figures.
 */
export async function runUnderLoad(
  rig: ZeroDowntimeRig,
  scenarios: readonly Scenario[],
  options: {
    readonly releases: readonly string[]
    readonly idleMs?: number
    readonly settleMs?: number
    readonly connections?: number
    readonly pauseMs?: number
  }
): Promise<LoadRun> {
  const load = await startLoad({
    port: rig.balancer.port,
    scratch: rig.scratch,
    ...(options.connections ? { connections: options.connections } : {}),
    ...(options.pauseMs !== undefined ? { pauseMs: options.pauseMs } : {})
  })
  const marks: { s: Scenario; deployment: Deployment; start: number; end: number }[] = []
  let records: LoadRecord[]
  const t0 = Date.now()
  try {
    await sleep(options.idleMs ?? 3000)
    for (const s of scenarios) {
      const start = Date.now()
      const deployment = await s.run()
      marks.push({ s, deployment, start, end: Date.now() })
      await sleep(options.settleMs ?? 2000)
    }
  } finally {
    records = await load.stop()
  }
  const t1 = Date.now()
  const figures = (from: number, to: number, newRelease?: string): WindowFigures =>
    windowFigures(records, from, to, options.releases, newRelease)
  const results = marks.map((m, i): ScenarioResult => {
    const next = marks[i + 1]?.start ?? t1
    return {
      name: m.s.name,
      deployment: m.deployment,
      seconds: (m.end - m.start) / 1000,
      during: figures(m.start, m.end, m.s.releaseAfter),
      after: figures(m.end, next, m.s.releaseAfter)
    }
  })
  const logged = await rig.balancer.loggedRequestIds()
  const retried = records.filter((r) => r.retried)
  const read = retried.filter((r) => logged.has(`${r.id}.1`)).map((r) => r.id)
  return {
    idle: figures(t0, marks[0]?.start ?? t1),
    scenarios: results,
    total: figures(t0, t1),
    retriedUnread: retried.length - read.length,
    retriedButRead: read,
    records
  }
}

/** The run as `name=value` lines (what `npm run bench:zero-downtime` prints). */
export function formatLoadRun(run: LoadRun): string[] {
  const deploy = run.scenarios[0]
  const starts = run.records.map((r) => r.at)
  const seconds = (Math.max(...run.records.map((r) => r.at + r.ms)) - Math.min(...starts)) / 1000
  const lines = [
    `failed_requests=${run.total.failed}`,
    `requests=${run.total.requests} (${(run.total.requests / seconds).toFixed(0)}/s over ${seconds.toFixed(0)} s)`,
    `p99_deploy_ms=${deploy ? deploy.during.p99Ms.toFixed(1) : 'n/a'}`,
    `p99_idle_ms=${run.idle.p99Ms.toFixed(1)}`,
    `p99_ratio=${deploy && run.idle.p99Ms > 0 ? (deploy.during.p99Ms / run.idle.p99Ms).toFixed(2) : 'n/a'} (target <= 3)`,
    `mixed_window_s=${deploy ? deploy.during.mixedS.toFixed(2) : 'n/a'}`,
    `unnamed_responses=${run.total.unnamed} unexpected_status=${run.total.unexpected}`,
    `retried_on_closed_keepalive=${run.retriedUnread + run.retriedButRead.length} (never read by nginx: ${run.retriedUnread})`
  ]
  for (const s of run.scenarios) {
    const after = Object.entries(s.after.byRelease)
      .map(([r, n]) => `${r}:${n}`)
      .join(',')
    lines.push(
      `scenario="${s.name}" status=${s.deployment.status} seconds=${s.seconds.toFixed(1)} requests=${s.during.requests} failed=${s.during.failed} p99_ms=${s.during.p99Ms.toFixed(1)} mixed_window_s=${s.during.mixedS.toFixed(2)} after=${after}`
    )
  }
  return lines
}
