/**
 * `slipway pr merge BRANCH`: merges through the router like the app, with progress on stderr.
 * A merge-result test that has not run yet is started by the merge and followed here (queued,
 * running, a line every few seconds while it runs, how it ended). When origin's main moved
 * while merging, the merge result is retested at the new main: on a terminal the command
 * follows the retest and asks "Merge again? [y/N]"; without one it exits 1 saying what to run.
 */
import type { AppEvent } from '../../shared/contract'
import type { TestRun } from '../../shared/test-models'
import type { Router } from '../api'
import { askYesNo, canAsk } from './ask'
import { unwrap, type CliIo } from './cli-router'
import type { TeamCliCommand } from './team-args'

/** How often a line says a merge-result test is still going. */
export const STILL_RUNNING_EVERY_MS = 10_000

const FINAL = new Set<TestRun['status']>(['passed', 'failed', 'cancelled', 'timed-out', 'error'])

const rank = (s: TestRun['status']): number => (s === 'queued' ? 0 : s === 'running' ? 1 : 2)

/** Asks the user a y/N question; null when nobody can answer (not a terminal). */
export type Ask = (question: string) => Promise<boolean | null>

/** Runs `pr merge`; answers the exit code (0 merged, 1 refused, failed or not merged). */
export async function mergeCommand(
  command: Extract<TeamCliCommand, { kind: 'pr-merge' }>,
  router: Router,
  io: CliIo,
  ask: Ask = askYesNo
): Promise<number> {
  const rerun = `slipway pr merge ${command.branch}${command.deleteBranch ? ' --delete-branch' : ''}`
  for (;;) {
    const out = await mergeOnce(command.branch, router, io)
    if (out.kind === 'merged') {
      const lines = [
        `Merged ${out.pullRequest.branch} into main: ${out.commit.slice(0, 8)}${out.pushed ? ' (pushed to origin)' : ''}`
      ]
      let deleted: unknown = null
      if (command.deleteBranch) {
        const d = unwrap(await router.call('pullRequests.deleteBranch', { branch: command.branch }))
        deleted = d
        lines.push(
          `Deleted ${out.pullRequest.branch}${d.local ? ' here' : ''}${d.origin.kind === 'pushed' ? ' and on origin' : ''}`
        )
      } else if (out.branchDeletable) {
        lines.push(`Its branch can go now: slipway pr delete-branch ${out.pullRequest.branch}`)
      }
      io.stdout(
        command.json ? `${JSON.stringify({ ...out, deleted }, null, 2)}\n` : `${lines.join('\n')}\n`
      )
      return 0
    }
    io.stderr(`slipway: ${out.message}\n`)
    if (command.json) io.stdout(`${JSON.stringify(out, null, 2)}\n`)
    if (!out.retest || !canAsk()) {
      io.stderr(
        `slipway: not merged; once the merge result with main at ${out.main.slice(0, 8)} passed, run: ${rerun}\n`
      )
      return 1
    }
    const follower = followRun(router, io, out.retest.id, out.retest)
    const retest = await follower.finished
    follower.stop()
    if (retest.status !== 'passed') {
      io.stderr(
        `slipway: not merged: the merge result with main at ${out.main.slice(0, 8)} ${retest.status}: ${retest.summary}\n`
      )
      return 1
    }
    const again = await ask(
      `slipway: the merge result with main at ${out.main.slice(0, 8)} passed. Merge again? [y/N] `
    )
    if (!again) {
      io.stderr(`slipway: not merged; to merge later, run: ${rerun}\n`)
      return 1
    }
  }
}

/** One `pullRequests.merge` call, printing its progress and following the test it awaits. */
async function mergeOnce(branch: string, router: Router, io: CliIo) {
  let follower = null as { stop(): void } | null
  const off = router.onEvent((e: AppEvent) => {
    if (e.event !== 'pullRequests.mergeProgress' || e.payload.branch !== branch) return
    const p = e.payload.progress
    const what = {
      syncing: 'syncing with origin',
      testing: 'testing the merge result with main (the merge waits for it)',
      merging: 'merging',
      pushing: 'pushing main to origin'
    }[p.kind]
    io.stderr(`slipway: ${what}…\n`)
    if (p.kind === 'testing' && p.runId && !follower) follower = followRun(router, io, p.runId)
  })
  try {
    return unwrap(await router.call('pullRequests.merge', { branch }))
  } finally {
    off()
    follower?.stop()
  }
}

/**
 * Follows test run `id` on stderr: each change of its status, a "still running" line every
 * {@link STILL_RUNNING_EVERY_MS}, and how it ended. `finished` resolves with the ended run.
 */
export function followRun(
  router: Router,
  io: CliIo,
  id: string,
  known?: TestRun
): { finished: Promise<TestRun>; stop(): void } {
  const started = Date.now()
  let last: TestRun | null = null
  let settle: (run: TestRun) => void = () => {}
  const finished = new Promise<TestRun>((resolve) => (settle = resolve))
  const label = (run: TestRun): string =>
    `merge-result test of ${run.branch}${run.mainSha ? ` with main at ${run.mainSha.slice(0, 8)}` : ''}`
  const seen = (run: TestRun): void => {
    if (run.id !== id || (last && FINAL.has(last.status))) return
    // A read answered after a newer event must not step the status back.
    if (last && rank(run.status) < rank(last.status)) return
    if (last?.status !== run.status) {
      const took = run.durationMs !== null ? ` in ${(run.durationMs / 1000).toFixed(1)} s` : ''
      const how = FINAL.has(run.status)
        ? `${run.status}${took}${run.status === 'passed' ? '' : `: ${run.summary}`}`
        : `${run.status}…`
      io.stderr(`slipway: ${label(run)}: ${how}\n`)
    }
    last = run
    if (FINAL.has(run.status)) settle(run)
  }
  const off = router.onEvent((e: AppEvent) => {
    if (e.event === 'tests.runChanged') seen(e.payload.run)
  })
  const timer = setInterval(() => {
    if (!last || FINAL.has(last.status)) return
    const seconds = Math.round((Date.now() - started) / 1000)
    io.stderr(`slipway: ${label(last)}: still ${last.status} (${seconds} s)…\n`)
  }, STILL_RUNNING_EVERY_MS)
  timer.unref()
  if (known) seen(known)
  // The run may have moved on before this listened: read it once.
  void router.call('tests.run', { id }).then((r) => {
    if (r.ok) seen(r.value)
  })
  return {
    finished,
    stop() {
      off()
      clearInterval(timer)
    }
  }
}
