import { expect, test, type Page } from '@playwright/test'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { TestRepo } from '../src/main/testing/test-repo'
import { startServe, type ServeHost } from './serve-host'

// Continuous testing on the demo: statuses appear by themselves, and a commit made by hand on a
// branch (outside Slipway) is tested without any click.

interface ListedBranch {
  name: string
  tickets: string[]
  isMain: boolean
}

async function listBranches(host: ServeHost): Promise<ListedBranch[]> {
  const res = await fetch(`${host.origin}/api/invoke/branches.list`, {
    method: 'POST',
    headers: { authorization: `Bearer ${host.token}`, 'content-type': 'application/json' },
    body: '{}'
  })
  const body = (await res.json()) as { ok: boolean; value: { branches: ListedBranch[] } }
  expect(body.ok).toBe(true)
  return body.value.branches
}

/**
 * Commits a new test file (one that takes `seconds`) on `branch` without touching any working
 * tree (blob → temporary index → tree → commit-tree → update-ref), as a developer's push would.
 */
function commitByHand(repo: string, branch: string, seconds: number): string {
  const test = [
    "import { test } from 'node:test'",
    `test('a slow check added by hand', () => new Promise((r) => setTimeout(r, ${seconds * 1000})))`,
    ''
  ].join('\n')
  return TestRepo.open(repo).commitTo(
    branch,
    { 'test/by-hand.test.js': test },
    'Add a slow check by hand'
  )
}

function tipStatus(page: Page, branch: string) {
  return page
    .locator(`[data-testid="branch-card"][data-branch="${branch}"]`)
    .locator('[data-testid="test-status"][data-kind="tip"]')
}

test.describe('continuous testing on the demo workspace', () => {
  let host: ServeHost
  test.beforeAll(async () => {
    host = await startServe()
  })
  test.afterAll(async () => {
    await host?.stop()
  })

  test('statuses appear by themselves; a commit made by hand is tested without a click', async ({
    page
  }) => {
    test.setTimeout(180_000)
    const branches = (await listBranches(host)).filter((b) => !b.isMain && b.name.indexOf('/') > 0)
    const refund = branches.find((b) => b.tickets.includes('ORD-142'))
    const discount = branches.find((b) => b.tickets.includes('ORD-150'))
    expect(refund, 'the demo has the ORD-142 branch').toBeTruthy()
    expect(discount, 'the demo has the ORD-150 branch').toBeTruthy()

    await page.goto(host.url)
    await expect(page.getByTestId('board')).toBeVisible()
    // The demo's designed results: ORD-150 breaks a test, ORD-142 is green; main is tested too.
    await expect(tipStatus(page, discount!.name)).toHaveAttribute('data-status', 'failed', {
      timeout: 90_000
    })
    await expect(tipStatus(page, refund!.name)).toHaveAttribute('data-status', 'passed', {
      timeout: 90_000
    })
    await expect(
      page.getByTestId('lane-main').locator('[data-testid="test-status"][data-kind="tip"]')
    ).toHaveAttribute('data-status', 'passed', { timeout: 90_000 })

    const sha = commitByHand(join(host.dataDir, 'demo', 'orders'), refund!.name, 3)
    const card = page.locator(`[data-testid="branch-card"][data-branch="${refund!.name}"]`)
    await expect(card.locator('code.sha')).toHaveText(sha.slice(0, 8), { timeout: 15_000 })
    await expect(tipStatus(page, refund!.name)).toHaveAttribute('data-status', 'running', {
      timeout: 20_000
    })
    await expect(card.getByTestId('run-dots')).toBeVisible()
    mkdirSync('e2e/screenshots', { recursive: true })
    await page.screenshot({ path: 'e2e/screenshots/tests-running.png' })
    await expect(tipStatus(page, refund!.name)).toHaveAttribute('data-status', 'passed', {
      timeout: 60_000
    })
    await page.screenshot({ path: 'e2e/screenshots/tests-board.png' })
  })

  test('the drawer shows the runs, the run view the coloured log, the queue panel the queue', async ({
    page
  }) => {
    const branches = await listBranches(host)
    const discount = branches.find((b) => b.tickets.includes('ORD-150') && !b.isMain)!
    await page.goto(host.url)
    await expect(tipStatus(page, discount.name)).toHaveAttribute('data-status', 'failed', {
      timeout: 90_000
    })
    await page.locator(`[data-testid="branch-card"][data-branch="${discount.name}"]`).click()
    const drawer = page.getByTestId('drawer-tests')
    await expect(drawer.getByTestId('run-item').first()).toBeVisible()
    await drawer.getByRole('button', { name: 'Log' }).first().click()
    const view = page.getByTestId('run-view')
    await expect(view).toBeVisible()
    await expect(view.getByTestId('log-viewer')).toContainText('fail')
    await page.screenshot({ path: 'e2e/screenshots/tests-run-view.png' })
    await page.keyboard.press('Escape')
    await expect(view).toBeHidden()

    await page.getByTestId('queue-button').click()
    const panel = page.getByTestId('queue-panel')
    await expect(panel).toBeVisible()
    await panel.getByRole('button', { name: 'Pause' }).click()
    await expect(panel.getByRole('button', { name: 'Resume' })).toBeVisible()
    await panel.getByRole('button', { name: 'Resume' }).click()
    await page.screenshot({ path: 'e2e/screenshots/tests-queue.png' })
  })

  test('Re-run streams the live log into the open run view', async ({ page }) => {
    test.setTimeout(120_000)
    const branches = await listBranches(host)
    const refund = branches.find((b) => b.tickets.includes('ORD-142') && !b.isMain)!
    await page.goto(host.url)
    await expect(tipStatus(page, refund.name)).toHaveAttribute('data-status', /passed|failed/, {
      timeout: 90_000
    })
    await page.locator(`[data-testid="branch-card"][data-branch="${refund.name}"]`).click()
    const drawer = page.getByTestId('drawer-tests')
    await drawer.getByRole('button', { name: 'Re-run tip' }).click()
    await expect(tipStatus(page, refund.name)).toHaveAttribute('data-status', /queued|running/)
    const current = drawer.locator('[data-testid="run-item"][data-kind="tip"]').first()
    await current.getByRole('button', { name: 'Log' }).click()
    const view = page.getByTestId('run-view')
    await expect(view.getByTestId('test-status')).toHaveAttribute('data-status', /queued|running/)
    await expect(view.getByTestId('log-viewer')).toContainText('npm test', { timeout: 20_000 })
    await expect(view.getByTestId('test-status')).toHaveAttribute('data-status', 'passed', {
      timeout: 60_000
    })
    // The end of the output arrived while the view was open.
    await expect(view.getByTestId('log-viewer')).toContainText('# pass', { timeout: 10_000 })
    await page.screenshot({ path: 'e2e/screenshots/tests-live-log.png' })
  })
})
