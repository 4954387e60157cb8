import type { BranchEnv } from '../../shared/branch-env-models'
import type { AppEvent } from '../../shared/contract'
import { CliFailure, EXIT, openStrict, unwrap, withRouter, type CliIo } from './cli-router'
import type { RunCliCommand } from './run-args'
import { ensureTrusted, untrustedMessage } from './trust-prompt'

/**
 * `slipway run BRANCH`: one branch environment through the router's `branchEnvs.*` methods
 * (the same service the board uses, on the workspace's data folder). The app's log goes to
 * stdout as it comes, Slipway's own lines to stderr. Ctrl-C (or SIGTERM) stops it: the whole
 * process group, waited for. Exit code 0 after Ctrl-C, 1 when it failed to start or stopped
 * by itself.
 */
export function runRunCommand(command: RunCliCommand, io: CliIo): Promise<number> {
  return withRouter(io, { dataDir: command.dataDir }, async (router) => {
    const workspace = await openStrict(router, command.workspace)
    if (!workspace.config.branchEnvironments) {
      throw new CliFailure(
        `${workspace.name}: slipway.yml has no branchEnvironments; add for example "branchEnvironments: { run: npm start, healthUrl: 'http://127.0.0.1:{port}/health' }"`
      )
    }
    // The branch's setup and run are slipway.yml's commands: the user says yes to them first.
    const answer = await ensureTrusted(router, workspace, io, command.trust)
    if (answer !== 'trusted') throw new CliFailure(untrustedMessage(workspace, answer))
    // Events can come before `branchEnvs.start` answers with the id: keep them until then.
    let id: string | null = null
    const early: AppEvent[] = []
    let settle: (env: BranchEnv) => void = () => {}
    const ended = new Promise<BranchEnv>((resolve) => (settle = resolve))
    let announced = false
    const handle = (event: AppEvent): void => {
      if (id === null) {
        early.push(event)
        return
      }
      if (event.event === 'branchEnvs.log' && event.payload.id === id)
        io.stdout(event.payload.chunk)
      if (event.event !== 'branchEnvs.changed' || event.payload.env.id !== id) return
      const { env } = event.payload
      if (env.state.kind === 'running' && !announced) {
        announced = true
        io.stderr(`slipway: ${env.label} is running at ${env.url} (Ctrl-C stops it)\n`)
      }
      if (env.state.kind === 'failed' || env.state.kind === 'stopped') settle(env)
    }
    const off = router.onEvent(handle)
    try {
      const request = {
        ...(command.branch !== null ? { branch: command.branch } : {}),
        ...(command.environment !== null ? { environment: command.environment } : {}),
        ...(command.port !== null ? { port: command.port } : {})
      }
      const env = unwrap(await router.call('branchEnvs.start', request))
      id = env.id
      io.stderr(`slipway: starting ${env.label} at ${env.sha.slice(0, 8)} on port ${env.port}\n`)
      for (const event of early.splice(0)) handle(event)
      const interrupted = io.untilStopped().then(() => null)
      const done = await Promise.race([ended, interrupted])
      if (done === null) {
        unwrap(await router.call('branchEnvs.stop', { id: env.id }))
        io.stderr('slipway: stopped\n')
        return EXIT.ok
      }
      if (done.state.kind === 'failed') {
        const { summary, lines, exitCode } = done.state
        io.stderr(`slipway: ${done.label} failed: ${summary}\n`)
        if (lines.length > 0) io.stderr(`${lines.map((l) => `  ${l}`).join('\n')}\n`)
        if (exitCode !== null) io.stderr(`slipway: exit code ${exitCode}\n`)
      }
      return EXIT.failure
    } finally {
      off()
    }
  })
}
