import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Workspace } from '../../shared/models'
import { stopLocalProcesses, type Router } from '../api'
import {
  removeLaunchFile,
  startServer,
  viewerStarter,
  writeLaunchFile,
  type RunningServer
} from '../serve'
import {
  createConfSettingsStore,
  defaultDataDir,
  formatConfigProblem,
  type SettingsStore
} from '../api'
import { HELP_TEXT, UsageError, parseCli, type CliCommand } from './args'
import { branchRows, formatBranchTable } from './branch-table'
import { CliFailure, EXIT, openStrict, unwrap, withRouter, type CliIo } from './cli-router'
import { runDeployCommand } from './deploy-command'
import { runLedgerCommand } from './ledger-command'
import { openInBrowser } from './open-url'
import { runRunCommand } from './run-command'
import { runRunsCommand } from './runs-command'
import { runPromoteCommand } from './promote-command'
import { runTeamCommand } from './team-command'
import { runTestCommand } from './test-command'
import { ensureTrusted, untrustedMessage } from './trust-prompt'

export { EXIT, type CliIo } from './cli-router'

/** Runs one CLI invocation and answers its exit code; never throws, never prints a stack. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let command: CliCommand
  try {
    command = parseCli(argv, io.cwd)
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`slipway: ${err.message}\n`)
      return EXIT.usage
    }
    throw err
  }
  try {
    switch (command.kind) {
      case 'help':
        io.stdout(HELP_TEXT)
        return EXIT.ok
      case 'version':
        io.stdout(`slipway ${io.version}\n`)
        return EXIT.ok
      case 'branches':
        return await branches(command, io)
      case 'serve':
        return await serve(command, io)
      case 'test':
        return await runTestCommand(command, io)
      case 'runs':
        return await runRunsCommand(command, io)
      case 'run':
        return await runRunCommand(command, io)
      case 'release-create':
      case 'release-list':
      case 'deploy':
      case 'status':
      case 'rollback':
      case 'hosts-trust':
        return await runDeployCommand(command, io)
      case 'ticket-new':
      case 'ticket-list':
      case 'ticket-show':
      case 'ticket-start':
      case 'pr-open':
      case 'pr-list':
      case 'pr-show':
      case 'pr-review':
      case 'pr-merge':
      case 'pr-delete-branch':
      case 'sync':
        return await runTeamCommand(command, io)
      case 'ledger-verify':
      case 'ledger-list':
      case 'ledger-export':
        return await runLedgerCommand(command, io)
      case 'promote':
      case 'promote-cancel':
      case 'promotions':
      case 'approve':
      case 'release-notes':
        return await runPromoteCommand(command, io)
    }
  } catch (err) {
    if (err instanceof CliFailure) {
      io.stderr(`slipway: ${err.message}\n`)
      return err.exitCode
    }
    io.logFor(dataDirOf(command, io))('the command failed unexpectedly', err)
    io.stderr('slipway: internal error; the details are in the Slipway log\n')
    return EXIT.failure
  }
}

function branches(command: Extract<CliCommand, { kind: 'branches' }>, io: CliIo): Promise<number> {
  return withRouter(io, { dataDir: command.dataDir }, async (router) => {
    await openStrict(router, command.workspace)
    const listing = unwrap(await router.call('branches.list', {}))
    io.stdout(
      command.json
        ? `${JSON.stringify(branchRows(listing), null, 2)}\n`
        : // Cut long subjects only on a terminal; a pipe gets whole lines.
          formatBranchTable(
            listing,
            process.stdout.isTTY ? Math.max(process.stdout.columns, 60) : Number.POSITIVE_INFINITY
          )
    )
    return EXIT.ok
  })
}

async function serve(command: Extract<CliCommand, { kind: 'serve' }>, io: CliIo): Promise<number> {
  const dataDir = command.dataDir ?? defaultDataDir(io.env)
  let settings: SettingsStore
  try {
    settings = createConfSettingsStore(dataDir)
  } catch (err) {
    throw new CliFailure(
      `cannot use the data folder ${dataDir}: ${err instanceof Error ? err.message : String(err)}`,
      EXIT.failure
    )
  }
  const shareViewer = viewerStarter(io.rendererDir, io.logFor(dataDir))
  const options = { dataDir, settings, continualTesting: true, shareViewer }
  return withRouter(io, options, async (router) => {
    const workspace = unwrap(
      command.workspace === null
        ? await router.openDemo()
        : await router.openWorkspace(command.workspace)
    )
    warnAboutConfig(workspace, io)
    const answer = await ensureTrusted(router, workspace, io, command.trust)
    if (answer !== 'trusted') {
      io.stderr(
        `slipway: ${untrustedMessage(workspace, answer)}; serving read-only (the board can ask too)\n`
      )
    }
    // The tests service starts on first use; a long-lived host wants continual testing now,
    // before any browser connects. A workspace without test.command just answers bad-config.
    if (answer === 'trusted') {
      if (workspace.config.test) void router.call('tests.queue', {})
      // Likewise, merges to main are released (and deployed on merge) whether or not a browser is open.
      void router.call('mergeReleases.list', {})
    }
    if (!existsSync(join(io.rendererDir, 'index.html'))) {
      io.stderr(
        `slipway: warning: the renderer is not built (${io.rendererDir}); run npm run build\n`
      )
    }
    const server = await startServer({
      router,
      port: command.port,
      rendererDir: io.rendererDir,
      log: io.logFor(dataDir),
      viewer: command.viewer,
      ...(command.host === null ? {} : { host: command.host })
    }).catch((err: unknown) => {
      throw new CliFailure(err instanceof Error ? err.message : String(err), EXIT.failure)
    })
    io.stdout(`Slipway is serving ${workspace.name} at ${server.url}\n`)
    if (server.viewerUrl !== null) {
      io.stdout(
        !server.onNetwork
          ? `Read-only viewer (this machine only; --host 0.0.0.0 to share it): ${server.viewerUrl}\n`
          : `Listening on ${server.host}, reachable from other machines: share ${server.viewerUrl} (read-only)\n`
      )
    }
    const launchFile = command.open ? await openBrowser(server, dataDir, io) : null
    await io.untilStopped()
    if (launchFile) await removeLaunchFile(launchFile)
    await server.close()
    await stopEverything(router, io)
    io.stderr('slipway: stopped\n')
    return EXIT.ok
  })
}

/** Stops the services (test runs, watchers) and what deploy hooks started on local hosts. */
async function stopEverything(router: Router, io: CliIo): Promise<void> {
  await router.dispose()
  // The demo's apps on its local hosts live as long as serve does.
  const ended = await stopLocalProcesses()
  if (ended > 0) io.stderr(`slipway: ended what ran on local hosts (${ended} process group(s))\n`)
}

/**
 * Opens the browser on a one-time link written to a private file, so the token is never on
 * a command line (xdg-open's and the browser's are readable by every local user).
 */
async function openBrowser(
  server: RunningServer,
  dataDir: string,
  io: CliIo
): Promise<string | null> {
  let file: string
  try {
    file = await writeLaunchFile(dataDir, server.oneTimeUrl(), server.port)
  } catch (err) {
    io.stderr(`slipway: could not write the page that opens the browser: ${String(err)}\n`)
    return null
  }
  if (!(await openInBrowser(file))) {
    io.stderr('slipway: no browser opener (xdg-open) found; open the URL above\n')
  }
  return file
}

function dataDirOf(command: CliCommand, io: CliIo): string {
  const chosen = 'dataDir' in command ? command.dataDir : null
  return chosen ?? defaultDataDir(io.env)
}

function warnAboutConfig(workspace: Workspace, io: CliIo): void {
  const [problem, ...more] = workspace.configProblems
  if (!problem) return
  const extra = more.length ? ` (and ${more.length} more)` : ''
  io.stderr(
    `slipway: warning: ${formatConfigProblem(problem)}${extra}; using the defaults until it is fixed\n`
  )
}
