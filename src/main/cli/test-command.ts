import type { AppEvent } from '../../shared/contract'
import { isFinished, type TestRun } from '../../shared/test-models'
import type { Router } from '../api'
import { CliFailure, EXIT, openStrict, unwrap, withRouter, type CliIo } from './cli-router'
import type { TestCliCommand } from './test-args'
import { ensureTrusted, untrustedMessage } from './trust-prompt'

/**
 * `slipway test <branch|sha>`: one run of the test command through the router's `tests.*`
 * methods, on the workspace's data folder (so the result is stored with the others). The
 * router of a one-shot command keeps continual testing off, so nothing but what was asked
 * runs. The log goes to stdout as it comes, progress and the verdict to stderr; exit code 0
 * only when the tests passed.
 */
export function runTestCommand(command: TestCliCommand, io: CliIo): Promise<number> {
  return withRouter(io, { dataDir: command.dataDir }, async (router) => {
    const workspace = await openStrict(router, command.workspace)
    if (!workspace.config.test) {
      throw new CliFailure(
        `${workspace.name}: slipway.yml has no test.command; add for example "test: { command: npm test }"`
      )
    }
    // The test command and its setup come from slipway.yml: the user says yes first.
    const answer = await ensureTrusted(router, workspace, io, command.trust)
    if (answer !== 'trusted') throw new CliFailure(untrustedMessage(workspace, answer))

    // Events can arrive before `tests.request` answers with the run's id: keep them until then.
    let runId: string | null = null
    const early: AppEvent[] = []
    let settle: (run: TestRun) => void = () => {}
    const finished = new Promise<TestRun>((resolve) => (settle = resolve))
    const handle = (event: AppEvent): void => {
      if (runId === null) {
        early.push(event)
        return
      }
      if (event.event === 'tests.log' && event.payload.runId === runId) {
        io.stdout(event.payload.chunk)
      }
      if (event.event === 'tests.runChanged' && event.payload.run.id === runId) {
        const { run } = event.payload
        if (run.status === 'running') io.stderr('slipway: running…\n')
        if (isFinished(run.status)) settle(run)
      }
    }
    const off = router.onEvent(handle)
    try {
      const kind = command.merge ? 'merge' : 'tip'
      const run = await requestRun(router, command.target, kind, command.force)
      const what =
        kind === 'merge'
          ? `the merge of ${run.branch || run.sha.slice(0, 8)} into ${workspace.mainBranch}`
          : run.branch || run.sha.slice(0, 8)
      runId = run.id
      if (isFinished(run.status)) {
        io.stderr(
          `slipway: ${what} at ${run.sha.slice(0, 8)} was tested already (${run.finishedAt ?? run.queuedAt}); its stored log follows. Use --force to run again.\n`
        )
        await printStoredLog(router, run, io)
        return verdict(run, io)
      }
      io.stderr(`slipway: testing ${what} at ${run.sha.slice(0, 8)}\n`)
      for (const event of early.splice(0)) handle(event)
      const interrupted = io.untilStopped().then(() => null)
      const done = await Promise.race([finished, interrupted])
      if (done === null) {
        unwrap(await router.call('tests.cancel', { id: run.id }))
        io.stderr('slipway: cancelled\n')
        return EXIT.failure
      }
      return verdict(done, io)
    } finally {
      off()
    }
  })
}

/** Requests a run of `target` as a branch, else (when it looks like one) as a commit id. */
async function requestRun(
  router: Router,
  target: string,
  kind: 'tip' | 'merge',
  force: boolean
): Promise<TestRun> {
  const asBranch = await router.call('tests.request', { branch: target, kind, force })
  if (asBranch.ok || asBranch.error.code !== 'not-found') return unwrap(asBranch)
  if (!/^[0-9a-fA-F]{4,64}$/.test(target)) {
    throw new CliFailure(`no branch or commit named ${target}`)
  }
  return unwrap(await router.call('tests.request', { sha: target, kind, force }))
}

async function printStoredLog(router: Router, run: TestRun, io: CliIo): Promise<void> {
  const window = 1024 * 1024
  for (let offset = 0; ; offset += window) {
    const { text, totalBytes } = unwrap(
      await router.call('tests.log', { id: run.id, offset, length: window })
    )
    io.stdout(text)
    if (offset + window >= totalBytes || text === '') return
  }
}

function verdict(run: TestRun, io: CliIo): number {
  const took = run.durationMs === null ? '' : ` in ${(run.durationMs / 1000).toFixed(1)} s`
  const exit = run.exitCode === null ? '' : ` (exit code ${run.exitCode})`
  // The service's summary often just repeats the status or the exit code.
  const repeats = run.summary === run.status || run.summary.startsWith('exit code')
  const summary = run.summary && !repeats ? `: ${run.summary}` : ''
  io.stderr(`slipway: ${run.status}${took}${exit}${summary}\n`)
  for (const file of run.conflicts) io.stderr(`  conflict: ${file}\n`)
  for (const t of run.failedTests) {
    io.stderr(
      `  failed: ${t.suite ? `${t.suite} › ` : ''}${t.name}${t.message ? ` — ${t.message.split('\n')[0]}` : ''}\n`
    )
  }
  return run.status === 'passed' ? EXIT.ok : EXIT.failure
}
