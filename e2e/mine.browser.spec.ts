import { expect, test } from '@playwright/test'
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { startServe, type ServeHost } from './serve-host'

test.describe('the Mine filter', () => {
  let host: ServeHost
  test.beforeAll(async () => {
    host = await startServe()
  })
  test.afterAll(async () => {
    await host?.stop()
  })

  test('lists the branches with commits by the git identity of the repository', async ({
    browser
  }) => {
    // Chen wrote the refund branch (ORD-142); the notes branch is Chen's too but merged already.
    const demo = join(host.dataDir, 'demo', 'orders')
    execFileSync('git', ['-C', demo, 'config', 'user.email', 'Chen@Orders.example'])
    for (const colorScheme of ['light', 'dark'] as const) {
      const context = await browser.newContext({
        viewport: { width: 1280, height: 720 },
        colorScheme
      })
      const page = await context.newPage()
      await page.goto(host.url)
      const lane = page.getByTestId('lane-branches')
      await expect(lane.getByText('feature/ORD-150-discount-codes')).toBeVisible()
      const mine = page.getByTestId('mine-filter')
      await expect(mine).toHaveAttribute('aria-pressed', 'false')
      // branches.mine follows the listing (one git log; slow on a loaded machine).
      await expect(mine).toHaveAttribute('title', /Chen@Orders\.example/, { timeout: 30_000 })
      await mine.focus()
      await page.keyboard.press('Enter')
      await expect(mine).toHaveAttribute('aria-pressed', 'true')
      await expect(lane.getByText('feature/ORD-142-refund-endpoint')).toBeVisible()
      await expect(lane.getByText('feature/ORD-150-discount-codes')).toHaveCount(0)
      await expect(page.getByTestId('branch-count')).toHaveText('1 of 5 branches')
      await page.screenshot({ path: `e2e/screenshots/mine-${colorScheme}-1280x720.png` })
      await mine.click()
      await expect(lane.getByText('feature/ORD-150-discount-codes')).toBeVisible()
      await context.close()
    }
  })
})
