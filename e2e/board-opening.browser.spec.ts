import { expect, test } from '@playwright/test'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { TestRepo } from '../src/main/testing/test-repo'
import { startServe, type ServeHost } from './serve-host'

// The board opens while a branch is being tested: the server reads the test states, the run
// ends and its event reaches the page, and only then does the (older) answer arrive. The card
// must show how the run ended. A CI run once showed such cards "running" for minutes.

const BRANCH = 'feature/ORD-9-slow'

let host: ServeHost
let repo: TestRepo
let gateDir: string
test.beforeAll(async () => {
  gateDir = mkdtempSync(join(tmpdir(), 'slipway-gate-'))
  const gate = join(gateDir, 'open')
  repo = TestRepo.create({
    prefix: 'slipway-opening-e2e-',
    files: {
      'slipway.yml': 'project: opening\nmainBranch: main\ntest: { command: sh check.sh }\n',
      // main passes at once; the branch waits for the test to open the gate, then fails.
      'check.sh': 'exit 0\n'
    }
  })
  repo.commitTo(
    BRANCH,
    { 'check.sh': `while [ ! -e '${gate}' ]; do sleep 0.05; done\nexit 1\n` },
    'ORD-9 a check that waits'
  )
  host = await startServe(repo.path)
})
test.afterAll(async () => {
  await host?.stop()
  repo?.remove()
  rmSync(gateDir, { recursive: true, force: true })
})

interface TipState {
  branch: string
  tip: { status: string } | null
}

async function tipStatus(): Promise<string | null> {
  const res = await fetch(`${host.origin}/api/invoke/tests.branchStates`, {
    method: 'POST',
    headers: { authorization: `Bearer ${host.token}`, 'content-type': 'application/json' },
    body: '{}'
  })
  const body = (await res.json()) as { ok: boolean; value: TipState[] }
  return body.value.find((s) => s.branch === BRANCH)?.tip?.status ?? null
}

test('a run that ends while the board loads shows how it ended, not "running"', async ({
  page
}) => {
  test.setTimeout(90_000)
  await expect.poll(tipStatus, { timeout: 30_000 }).toBe('running')
  let held = 0
  let answered!: () => void
  const stale = new Promise<void>((resolve) => (answered = resolve))
  await page.route('**/api/invoke/tests.branchStates', async (route) => {
    if (held++ > 0) return route.continue()
    // The server's answer, read while the run goes on…
    const answer = await route.fetch()
    expect(JSON.stringify(await answer.json())).toContain('"status":"running"')
    // …arrives after the run has ended and its event has reached the page.
    writeFileSync(join(gateDir, 'open'), '')
    await expect.poll(tipStatus, { timeout: 30_000 }).toBe('failed')
    await page.waitForTimeout(1_000)
    await route.fulfill({ response: answer })
    answered()
  })
  await page.goto(host.url)
  const tip = page
    .locator(`[data-testid="branch-card"][data-branch="${BRANCH}"]`)
    .locator('[data-testid="test-status"][data-kind="tip"]')
  await expect(tip).toHaveAttribute('data-status', 'failed', { timeout: 30_000 })
  // The older answer has come, and the page has had time to read it: the card still says so.
  await stale
  await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 500)))
  await expect(tip).toHaveAttribute('data-status', 'failed', { timeout: 1_000 })
  expect(held).toBe(1)
})
