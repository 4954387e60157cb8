import { expect, test } from '@playwright/test'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { startServe, type ServeHost } from './serve-host'

// Issue 10: "Run locally" on a demo branch, from the branch drawer, with the keyboard: the app
// answers on its port, the card shows the port, Stop ends it. Screenshots for the notes.

const BRANCH = 'feature/ORD-142-refund-endpoint'
const SHOTS = process.env.SLIPWAY_SHOTS_DIR ?? join('test-results', 'branch-envs')

test.describe('Run locally on the demo', () => {
  let host: ServeHost
  test.beforeAll(async () => {
    host = await startServe()
  })
  test.afterAll(async () => {
    await host?.stop()
  })

  test('runs a branch from the drawer, shows its port on the card, and stops it', async ({
    page
  }) => {
    test.setTimeout(180_000)
    mkdirSync(SHOTS, { recursive: true })
    await page.setViewportSize({ width: 1280, height: 720 })
    await page.goto(host.url)
    const card = page.locator(`[data-testid="branch-card"][data-branch="${BRANCH}"]`)
    await card.click()
    const drawer = page.getByTestId('branch-drawer')
    await expect(drawer).toBeVisible()
    // Keyboard: focus the button and press Enter.
    const run = drawer.getByTestId('run-locally')
    await expect(run).toBeEnabled({ timeout: 30_000 })
    await run.focus()
    await page.keyboard.press('Enter')
    const view = page.getByTestId('env-view')
    await expect(view).toBeVisible()
    const link = view.getByTestId('env-link')
    await expect(link).toBeVisible({ timeout: 120_000 })
    const url = await link.getAttribute('href')
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
    const health = (await (await fetch(`${url}health`)).json()) as { status: string }
    expect(health.status).toBe('ok')
    // The live log shows the app's own line.
    await expect(view.locator('.log-viewer')).toContainText('listening on http://127.0.0.1:')
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme })
      for (const size of [
        { width: 1280, height: 720 },
        { width: 1920, height: 1080 }
      ]) {
        await page.setViewportSize(size)
        await page.screenshot({ path: join(SHOTS, `env-view-${colorScheme}-${size.width}.png`) })
      }
    }
    await page.keyboard.press('Escape')
    await expect(view).toBeHidden()
    const port = new URL(url as string).port
    await expect(card.getByTestId('run-marker')).toContainText(`:${port}`)
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme })
      for (const size of [
        { width: 1280, height: 720 },
        { width: 1920, height: 1080 }
      ]) {
        await page.setViewportSize(size)
        await page.screenshot({ path: join(SHOTS, `drawer-${colorScheme}-${size.width}.png`) })
      }
    }
    await drawer.getByRole('button', { name: 'Stop' }).click()
    // Stopped: the drawer offers Run locally again and the card loses its marker.
    await expect(drawer.getByTestId('run-locally')).toBeVisible({ timeout: 30_000 })
    await expect(card.getByTestId('run-marker')).toHaveCount(0)
    await expect
      .poll(async () =>
        fetch(`${url}health`).then(
          () => 'up',
          () => 'down'
        )
      )
      .toBe('down')
  })
})
