import { expect, test } from '@playwright/test'
import { textContrast } from './contrast'
import { startServe, type ServeHost } from './serve-host'

// Buttons keep readable text in every state, in light and dark: the primary buttons once went
// blank on hover (white text on the near-white hover background of ordinary buttons).

for (const colorScheme of ['light', 'dark'] as const) {
  test.describe(`buttons in ${colorScheme}`, () => {
    test.use({ colorScheme })
    let host: ServeHost
    test.beforeAll(async () => {
      host = await startServe()
    })
    test.afterAll(async () => {
      await host?.stop()
    })

    test('primary buttons keep 4.5:1 text at rest and on hover', async ({ page }) => {
      await page.goto(host.url)
      await expect(page.getByTestId('board')).toBeVisible()

      const deploy = page.getByTestId('deploy-staging')
      expect(await textContrast(deploy)).toBeGreaterThanOrEqual(4.5)
      await deploy.hover()
      expect(await textContrast(deploy)).toBeGreaterThanOrEqual(4.5)

      await deploy.click()
      const start = page.getByTestId('deploy-start')
      await expect(start).toBeVisible()
      await page.getByTestId('deploy-dialog').getByRole('button', { name: 'Close' }).click()

      await page.getByRole('button', { name: /switch workspace/i }).click()
      const open = page
        .getByTestId('workspace-picker')
        .getByRole('button', { name: 'Open', exact: true })
      await open.hover()
      expect(await textContrast(open)).toBeGreaterThanOrEqual(4.5)
      const demo = page.getByRole('button', { name: /open demo workspace/i })
      await demo.hover()
      expect(await textContrast(demo)).toBeGreaterThanOrEqual(4.5)
    })
  })
}

// The header keeps one row at 1280×720 (Overview, Tickets, Ledger, the queue, Present, Share,
// Switch): a second row once squeezed the workspace's path and hid its main branch and config.
test.describe('header at 1280×720', () => {
  test.use({ viewport: { width: 1280, height: 720 } })
  let host: ServeHost
  test.beforeAll(async () => {
    host = await startServe()
  })
  test.afterAll(async () => {
    await host?.stop()
  })

  test('its actions fit one row, with every name kept for screen readers', async ({ page }) => {
    await page.goto(host.url)
    await expect(page.getByTestId('board')).toBeVisible()
    // The queue's button shows once the test queue is first read: measure the row with it.
    await expect(page.getByRole('button', { name: /^Test queue/i })).toBeVisible()
    const buttons = page.locator('.header-actions > button')
    const tops = await buttons.evaluateAll((els) =>
      els.map((e) => Math.round(e.getBoundingClientRect().top))
    )
    expect(tops.length).toBeGreaterThanOrEqual(7)
    expect(new Set(tops).size, `button tops ${tops.join(', ')}`).toBe(1)
    await expect(page.locator('.header-facts')).toContainText('main')
    await expect(page.locator('.header-facts')).toContainText('slipway.yml')
    // Short labels on narrow windows; the accessible names stay whole.
    await expect(page.getByRole('button', { name: 'Overview' })).toBeVisible()
    await expect(page.getByRole('button', { name: 'Switch workspace' })).toBeVisible()
  })
})
