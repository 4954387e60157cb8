import { randomBytes } from 'node:crypto'
import type { TestRun, TestRunStatus } from '../../../shared/test-models'
import type { BranchRef } from '../git'
import { keyOf } from './run-records'

/** Statuses whose result stands for the commit (reused for the same sha on any branch). */
export const REUSABLE: ReadonlySet<TestRunStatus> = new Set(['passed', 'failed', 'timed-out'])
const SHORT = 8

export interface Pending {
  readonly id: string
  readonly seq: number
  /** Asked for by a person (not by the watcher): runs even when paused, never superseded. */
  readonly manual: boolean
}

export interface Active {
  readonly abort: AbortController
  done: Promise<void>
  /** Why it is being stopped, for the summary. */
  stopReason: string | null
}

export const short = (sha: string): string => sha.slice(0, SHORT)

/** What the queue order depends on, read when it is asked. */
export interface OrderContext {
  readonly focus: () => string | null
  readonly mainSha: () => string | null
  readonly isMain: (branch: string) => boolean
  readonly run: (id: string) => TestRun
}

/**
 * Lower ranks run first: main's tip; what a person asked for or looks at; then a commit just
 * seen (so it is tested within seconds, not after the startup backlog); then other tips;
 * merge results after tips of the same standing.
 */
export function priorityOf(p: Pending, ctx: OrderContext): number {
  const run = ctx.run(p.id)
  const focused = ctx.focus() !== null && run.branch === ctx.focus()
  const fresh = run.reason === 'new-commit'
  if (run.kind === 'tip') {
    if (ctx.isMain(run.branch) || run.sha === ctx.mainSha()) return 0
    return p.manual || focused ? 1 : fresh ? 3 : 4
  }
  return p.manual || focused ? 2 : fresh ? 5 : 6
}

/** Which branches a scan queues first: main, the focused branch, the rest. */
export function rankOf(branch: string, ctx: OrderContext): number {
  if (ctx.isMain(branch)) return 0
  return branch === ctx.focus() ? 1 : 2
}

/** The queued runs in the order they will start. */
export function orderPending(pending: readonly Pending[], ctx: OrderContext): Pending[] {
  return [...pending].sort((a, b) => priorityOf(a, ctx) - priorityOf(b, ctx) || a.seq - b.seq)
}

/** A new queued run of `target`. */
export function queuedRun(
  target: Pick<TestRun, 'kind' | 'sha' | 'mainSha' | 'branch' | 'reason'>,
  now: Date
): TestRun {
  return {
    id: `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`,
    kind: target.kind,
    sha: target.sha,
    mainSha: target.mainSha,
    branch: target.branch,
    status: 'queued',
    reason: target.reason,
    queuedAt: now.toISOString(),
    startedAt: null,
    finishedAt: null,
    durationMs: null,
    exitCode: null,
    summary: 'queued',
    conflicts: [],
    failedTests: [],
    logBytes: 0
  }
}

/**
 * The queued automatic runs no branch tip wants any more (a newer commit came, or the branch
 * went), latest first, with the summary each is cancelled with. Runs a person asked for stay.
 */
export function supersededBy(
  pending: readonly Pending[],
  wanted: ReadonlySet<string>,
  refs: readonly BranchRef[],
  ctx: OrderContext
): Array<{ readonly id: string; readonly summary: string }> {
  const gone: Array<{ id: string; summary: string }> = []
  for (let i = pending.length - 1; i >= 0; i -= 1) {
    const p = pending[i] as Pending
    if (p.manual) continue
    const run = ctx.run(p.id)
    if (wanted.has(keyOf(run.kind, run.sha, run.mainSha))) continue
    const ref = refs.find((r) => r.name === run.branch)
    const newer = ref && ref.sha !== run.sha ? ref.sha : run.kind === 'merge' ? ctx.mainSha() : null
    gone.push({
      id: p.id,
      summary: newer ? `superseded by ${short(newer)}` : 'superseded (branch deleted)'
    })
  }
  return gone
}
