// Playwright globalSetup: builds when out/ is missing or older than the sources, so
// `npm run test:e2e` on its own never tests an old build (serve-host.ts runs out/main/cli.js).
import { ensureFreshBuild } from '../scripts/fresh-build.mjs'

export default function globalSetup(): void {
  const failure = ensureFreshBuild()
  if (failure) throw new Error(failure)
}
