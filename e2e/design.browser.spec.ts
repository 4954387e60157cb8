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
