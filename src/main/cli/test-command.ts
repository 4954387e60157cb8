import type { TestRun } from '../../shared/test-models'
import { isFinished } from '../../shared/test-models'
import { ExpectedError } from '../services/errors'
import { TestService, type TestServiceEvent } from '../services/test-runs'
import {
  defaultDataDir,
  formatConfigProblem,
  loadWorkspace,
  workspaceDataDir
} from '../services/workspace'
import type { CliIo } from './run'
import type { TestCliCommand } from './test-args'

/**
 * `slipway test <branch|sha>`: one run of the test command through a {@link TestService} on
 * the workspace's data folder (so the result is stored with the others), paused so that this
 * one-shot command tests nothing but what was asked. The log goes to stdout as it comes,
 * progress and the verdict to stderr; exit code 0 only when the tests passed.
 */
export async function runTestCommand(command: TestCliCommand, io: CliIo): Promise<number> {
  const fail = (message: string): number => {
    io.stderr(`slipway: ${message}\n`)
    return 1
  }
  let workspace
  try {
    workspace = await loadWorkspace(command.workspace)
  } catch (err) {
    if (err instanceof ExpectedError) return fail(err.message)
    throw err
  }
  const [problem] = workspace.configProblems
  if (problem) return fail(formatConfigProblem(problem))
  if (!workspace.config.test) {
    return fail(
      `${workspace.name}: slipway.yml has no test.command; add for example "test: { command: npm test }"`
    )
  }

  // Events can arrive before `request` answers with the run's id: keep them until then.
  let runId: string | null = null
  const early: TestServiceEvent[] = []
  let settle: (run: TestRun) => void = () => {}
  const finished = new Promise<TestRun>((resolve) => (settle = resolve))
  const handle = (event: TestServiceEvent): void => {
    if (runId === null) {
      early.push(event)
      return
    }
    if (event.kind === 'log' && event.runId === runId) io.stdout(event.chunk)
    if (event.kind === 'run' && event.run.id === runId) {
      if (event.run.status === 'running') io.stderr('slipway: running…\n')
      if (isFinished(event.run.status)) settle(event.run)
    }
  }

  const dataDir = command.dataDir ?? defaultDataDir(io.env)
  const service = new TestService({
    workspacePath: workspace.path,
    dataDir: await workspaceDataDir(dataDir, workspace.path),
    config: workspace.config,
    mainBranch: workspace.mainBranch,
    fetchIntervalMs: 0,
    onEvent: (event) => handle(event)
  })
  service.setPaused(true)
  try {
    await service.start()
    const kind = command.merge ? 'merge' : 'tip'
    let run: TestRun
    try {
      run = await requestRun(service, command.target, kind, command.force)
    } catch (err) {
      if (err instanceof ExpectedError) return fail(err.message)
      throw err
    }
    const what =
      kind === 'merge'
        ? `the merge of ${run.branch || run.sha.slice(0, 8)} into ${workspace.mainBranch}`
        : run.branch || run.sha.slice(0, 8)
    runId = run.id
    if (isFinished(run.status)) {
      io.stderr(
        `slipway: ${what} at ${run.sha.slice(0, 8)} was tested already (${run.finishedAt ?? run.queuedAt}); its stored log follows. Use --force to run again.\n`
      )
      await printStoredLog(service, run, io)
      return verdict(run, io)
    }
    io.stderr(`slipway: testing ${what} at ${run.sha.slice(0, 8)}\n`)
    for (const event of early.splice(0)) handle(event)
    const interrupted = io.untilStopped().then(() => null)
    const done = await Promise.race([finished, interrupted])
    if (done === null) {
      await service.cancel(run.id)
      io.stderr('slipway: cancelled\n')
      return 1
    }
    return verdict(done, io)
  } finally {
    await service.stop()
  }
}

async function requestRun(
  service: TestService,
  target: string,
  kind: 'tip' | 'merge',
  force: boolean
): Promise<TestRun> {
  try {
    return await service.request({ branch: target, kind, force, reason: 'cli' })
  } catch (err) {
    // Not a branch: maybe a commit id.
    if (!(err instanceof ExpectedError) || err.code !== 'not-found') throw err
    if (!/^[0-9a-fA-F]{4,64}$/.test(target)) {
      throw new ExpectedError('not-found', `no branch or commit named ${target}`, { target })
    }
    return service.request({ sha: target, kind, force, reason: 'cli' })
  }
}

async function printStoredLog(service: TestService, run: TestRun, io: CliIo): Promise<void> {
  const window = 1024 * 1024
  for (let offset = 0; ; offset += window) {
    const { text, totalBytes } = await service.readLog(run.id, offset, window)
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
  return run.status === 'passed' ? 0 : 1
}
