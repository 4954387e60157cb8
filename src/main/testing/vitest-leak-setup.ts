// Vitest globalSetup: the run fails when a process the tests started outlives them.
import { assertNoLeaks, startLeakWatch } from './leak-detector'
import type { ProcessInfo } from './proc-table'

/** Vitest's own helpers (its workers, vite's esbuild service) end with the runner itself. */
const runnerHelper = (p: ProcessInfo): boolean =>
  /\/node_modules\/(vitest|tinypool|@esbuild|esbuild)\//.test(p.command)

export default function setup(): () => Promise<void> {
  const baseline = startLeakWatch()
  return async () => {
    try {
      await assertNoLeaks(baseline, runnerHelper)
    } catch (e) {
      // Vitest reports a teardown error but keeps its exit code: set it, so the run fails.
      process.exitCode = 1
      throw e
    }
  }
}
