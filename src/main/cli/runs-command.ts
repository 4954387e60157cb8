import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { TestRunSchema, type TestRun } from '../../shared/test-models'
import { ExpectedError } from '../services/errors'
import { defaultDataDir, loadWorkspace, workspaceDataDir } from '../services/workspace'
import type { CliIo } from './run'
import type { RunsCliCommand } from './test-args'

/**
 * `slipway runs`: the stored test runs of a workspace, newest first, read-only from its
 * results file (a running `serve` may be appending to it; nothing is started or rewritten).
 */
export async function runRunsCommand(command: RunsCliCommand, io: CliIo): Promise<number> {
  let workspace
  try {
    workspace = await loadWorkspace(command.workspace)
  } catch (err) {
    if (err instanceof ExpectedError) {
      io.stderr(`slipway: ${err.message}\n`)
      return 1
    }
    throw err
  }
  const dir = await workspaceDataDir(command.dataDir ?? defaultDataDir(io.env), workspace.path)
  const runs = (await readStoredRuns(join(dir, 'test-results.jsonl')))
    .filter((r) => command.branch === null || r.branch === command.branch)
    .sort((a, b) => b.queuedAt.localeCompare(a.queuedAt))
    .slice(0, command.limit)
  if (command.json) {
    io.stdout(`${JSON.stringify(runs, null, 2)}\n`)
    return 0
  }
  if (runs.length === 0) {
    io.stdout('No test runs stored for this workspace yet.\n')
    return 0
  }
  for (const r of runs) {
    const took = r.durationMs === null ? '' : `${(r.durationMs / 1000).toFixed(1)} s`
    io.stdout(
      [
        r.status.padEnd(9),
        r.kind.padEnd(5),
        r.sha.slice(0, 8),
        took.padStart(8),
        r.queuedAt.replace('T', ' ').slice(0, 19),
        r.branch || '(commit)',
        r.summary
      ].join('  ') + '\n'
    )
  }
  return 0
}

/** Every run in the JSON-lines results file, the last record of an id winning; bad lines skipped. */
async function readStoredRuns(path: string): Promise<TestRun[]> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw err
  }
  const byId = new Map<string, TestRun>()
  for (const line of text.split('\n')) {
    if (!line.trim()) continue
    try {
      const parsed = TestRunSchema.safeParse(JSON.parse(line))
      if (parsed.success) byId.set(parsed.data.id, parsed.data)
    } catch {
      // A line being written right now, or a torn one: the service reports those.
    }
  }
  return [...byId.values()]
}
