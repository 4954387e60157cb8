// Playwright globalSetup: builds when out/ is stale (so `npm run test:e2e` alone never tests an
// old build), then starts the leak detector that globalTeardown checks.
import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ensureFreshBuild } from '../scripts/fresh-build.mjs'
import { startLeakWatch } from '../src/main/testing/leak-detector'

export default function globalSetup(): void {
  const failure = ensureFreshBuild()
  if (failure) throw new Error(failure)
  const baseline = startLeakWatch()
  const file = join(tmpdir(), `slipway-leak-baseline-${baseline.marker}.json`)
  writeFileSync(file, JSON.stringify(baseline))
  process.env.SLIPWAY_LEAK_BASELINE = file
}
