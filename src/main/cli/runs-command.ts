import type { TestRun } from '../../shared/test-models'
import type { Router } from '../api'
import { EXIT, unwrap, withRouter, type CliIo } from './cli-router'
import type { RunsCliCommand } from './test-args'

/**
 * `slipway runs`: the stored test runs of a workspace, newest first, through the router's
 * `tests.runs` (which reads the stored results and starts nothing; a running `serve` may be
 * appending to them).
 */
export function runRunsCommand(command: RunsCliCommand, io: CliIo): Promise<number> {
  return withRouter(io, { dataDir: command.dataDir }, async (router: Router) => {
    // Stored results do not depend on slipway.yml, so a broken one does not hide them.
    unwrap(await router.openWorkspace(command.workspace))
    const runs = unwrap(
      await router.call('tests.runs', {
        limit: command.limit,
        ...(command.branch === null ? {} : { branch: command.branch })
      })
    )
    if (command.json) {
      io.stdout(`${JSON.stringify(runs, null, 2)}\n`)
      return EXIT.ok
    }
    if (runs.length === 0) {
      io.stdout('No test runs stored for this workspace yet.\n')
      return EXIT.ok
    }
    for (const r of runs) io.stdout(`${runLine(r)}\n`)
    return EXIT.ok
  })
}

function runLine(r: TestRun): string {
  const took = r.durationMs === null ? '' : `${(r.durationMs / 1000).toFixed(1)} s`
  return [
    r.status.padEnd(9),
    r.kind.padEnd(5),
    r.sha.slice(0, 8),
    took.padStart(8),
    r.queuedAt.replace('T', ' ').slice(0, 19),
    r.branch || '(commit)',
    r.summary
  ].join('  ')
}
