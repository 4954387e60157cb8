import { expect, test, type Page } from '@playwright/test'
import { mkdirSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { stopDemoApp } from '../src/main/testing/deploy-support'
import { expectNoSeriousAxeViolation } from './axe-check'
import { startServe, type ServeHost } from './serve-host'
import { invoke, prepareDemo } from './views'

// The environment × release overview on the demo, by keyboard: two releases deployed to
// staging for real (the second current, the first its rollback target), and production drifting
// (production-1 serves the first release, activated by hand; production-2 has nothing), all
// read from the hosts as the lanes read them.

/** Waits (through the API) until a deployment has ended; answers its status. */
async function ended(host: ServeHost, id: string): Promise<string> {
  for (let i = 0; i < 480; i++) {
    const list = (await invoke(host, 'deployments.list', {})) as { id: string; status: string }[]
    const d = list.find((x) => x.id === id)
    if (d && d.status !== 'running') return d.status
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`${id} did not end in 120 s`)
}

/** Presses Tab until `testId` has focus (at most 40 presses). */
async function tabTo(page: Page, testId: string): Promise<void> {
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab')
    const at = await page.evaluate('document.activeElement?.getAttribute("data-testid")')
    if (at === testId) return
  }
  throw new Error(`Tab never reached ${testId}`)
}

test.describe('environment × release overview (serve mode)', () => {
  let host: ServeHost
  let demo: string
  test.beforeAll(async () => {
    host = await startServe()
    demo = await prepareDemo(host)
  })
  test.afterAll(async () => {
    if (demo) await stopDemoApp(join(demo, '.slipway', 'hosts', 'staging-1'))
    await host?.stop()
  })

  test('shows which release is on which environment, with drift and health', async ({
    page
  }, testInfo) => {
    test.setTimeout(300_000)
    // A fresh demo: nothing on any host yet, and the overview says so.
    await page.goto(host.url)
    await expect(page.getByTestId('read-staging')).toBeVisible({ timeout: 30_000 })
    await page.keyboard.press('o')
    const view = page.getByTestId('overview-view')
    await expect(view).toBeVisible()
    await expect(view.getByTestId('overview-summary')).toHaveText(
      'Nothing is deployed on the hosts of staging or production yet.',
      { timeout: 30_000 }
    )
    await page.keyboard.press('Escape')
    await expect(view).toHaveCount(0)

    const releases: string[] = []
    for (let i = 0; i < 2; i++) {
      const release = (await invoke(host, 'releases.create', {})) as { id: string }
      const started = (await invoke(host, 'deployments.start', {
        release: release.id,
        environment: 'staging'
      })) as { id: string }
      expect(await ended(host, started.id)).toBe('succeeded')
      releases.push(release.id)
    }
    const [first, second] = releases as [string, string]
    // production-1 serves the first release (activated by hand, as a host's layout is);
    // production-2 has nothing: production drifts.
    const p1 = join(demo, '.slipway', 'hosts', 'production-1')
    mkdirSync(join(p1, 'releases', first), { recursive: true })
    symlinkSync(join('releases', first), join(p1, 'current'))

    // From the header by keyboard: Tab to Overview, Enter.
    await page.goto(host.url)
    await expect(page.getByTestId('read-staging')).toBeVisible({ timeout: 30_000 })
    await tabTo(page, 'open-overview')
    await expect(page.getByTestId('open-overview')).toHaveAttribute('aria-keyshortcuts', 'o')
    await page.keyboard.press('Enter')
    await expect(view).toBeVisible()
    await expect(page.getByRole('dialog', { name: 'Environments and releases' })).toBeVisible()
    // Reads every environment again from its hosts (the board's readings may predate the hand
    // activation on production-1).
    await tabTo(page, 'overview-read-all')
    await page.keyboard.press('Enter')

    const rows = view.getByTestId('overview-row')
    await expect(rows).toHaveCount(2, { timeout: 60_000 })
    await expect(rows.nth(0)).toHaveAttribute('data-release', second)
    await expect(rows.nth(1)).toHaveAttribute('data-release', first)
    const cell = (row: number, env: string) => rows.nth(row).getByTestId(`overview-cell-${env}`)
    await expect(cell(0, 'staging')).toHaveAttribute('data-state', 'current', { timeout: 30_000 })
    await expect(cell(0, 'staging')).toContainText('on 1 of 1 host')
    await expect(cell(0, 'staging')).toContainText('healthy')
    await expect(cell(0, 'production')).toHaveAttribute('data-state', 'absent')
    await expect(cell(1, 'staging')).toHaveAttribute('data-state', 'previous')
    await expect(cell(1, 'staging')).toContainText('rollback target on 1 host')
    await expect(cell(1, 'production')).toHaveAttribute('data-state', 'drift', { timeout: 30_000 })
    await expect(cell(1, 'production')).toContainText('on 1 of 2 hosts: production-1')
    // Nothing runs on production-1's port: its health check fails, and the cell says where.
    await expect(cell(1, 'production')).toContainText('unhealthy on production-1')
    const drift = view.getByTestId('overview-env-production').getByTestId('overview-drift')
    await expect(drift.getByRole('listitem').first()).toHaveText(`production-1:${first}`)
    await expect(drift.getByRole('listitem').nth(1)).toHaveText('production-2:nothing deployed')
    await expect(view.getByTestId('overview-summary')).toHaveText(
      '2 releases on the hosts of 2 environments, newest first.'
    )

    // The populated overview (drift, health, chips), which the gallery's axe pass only sees empty.
    await expectNoSeriousAxeViolation(page)

    for (const colorScheme of ['light', 'dark'] as const) {
      for (const size of [
        { width: 1280, height: 720 },
        { width: 1920, height: 1080 }
      ]) {
        await page.emulateMedia({ colorScheme })
        await page.setViewportSize(size)
        await page.screenshot({
          path: testInfo.outputPath(`overview-demo-${colorScheme}-${size.width}x${size.height}.png`)
        })
      }
    }

    // Escape closes it and gives focus back to the header's button.
    await page.keyboard.press('Escape')
    await expect(view).toHaveCount(0)
    await expect(page.getByTestId('open-overview')).toBeFocused()

    // A cell's action, by keyboard: staging's rollback target offers "Roll back…", and the
    // release staging runs offers "Promote…" in production, which opens the promote dialog on it.
    await page.keyboard.press('Enter')
    await expect(view).toBeVisible()
    await expect(
      cell(1, 'staging').getByRole('button', { name: `Roll staging back to ${first}` })
    ).toBeEnabled()
    await expect(cell(0, 'staging').getByRole('button')).toHaveCount(0)
    await tabTo(page, 'overview-promote-production')
    await expect(page.locator(':focus')).toHaveAccessibleName(`Promote ${second} to production`)
    await page.keyboard.press('Enter')
    await expect(view).toHaveCount(0)
    const promote = page.getByTestId('promote-dialog')
    await expect(promote).toBeVisible()
    await expect(promote).toContainText(second)
    await page.keyboard.press('Escape')
    await expect(promote).toHaveCount(0)
  })
})
