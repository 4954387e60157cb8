// Playwright globalTeardown: the run fails when a process the specs started outlives them.
import { readFileSync, rmSync } from 'node:fs'
import { assertNoLeaks, type LeakBaseline } from '../src/main/testing/leak-detector'

export default async function globalTeardown(): Promise<void> {
  const file = process.env.SLIPWAY_LEAK_BASELINE
  if (!file) return
  const baseline = JSON.parse(readFileSync(file, 'utf8')) as LeakBaseline
  rmSync(file, { force: true })
  await assertNoLeaks(baseline)
}
