import { expect, test } from '@playwright/test'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { readFileSync, writeFileSync } from 'node:fs'
import { stopDemoApp } from '../src/main/testing/deploy-support'
import { freePort } from '../src/main/testing/ports'
import { startServe, type ServeHost } from './serve-host'
import { trustOpenWorkspace } from './views'

async function invoke<T>(host: ServeHost, method: string, request: unknown): Promise<T> {
  const res = await fetch(`${host.origin}/api/invoke/${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${host.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(request)
  })
  const body = (await res.json()) as { ok: boolean; value: T; error?: unknown }
  expect(body.ok, JSON.stringify(body.error)).toBe(true)
  return body.value
}

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

  test('runs what staging runs, read from its hosts', async ({ page }) => {
    test.setTimeout(240_000)
    // The demo's fixed port (4301) may be in use here: give staging a free one, then reopen.
    const demo = join(host.dataDir, 'demo', 'orders')
    const yml = join(demo, 'slipway.yml')
    writeFileSync(yml, readFileSync(yml, 'utf8').replace('port: 4301', `port: ${await freePort()}`))
    await invoke(host, 'workspace.open', { path: demo })
    // The port changed slipway.yml: trust its commands as the dialog would.
    await trustOpenWorkspace(host)
    const hostDir = join(demo, '.slipway', 'hosts', 'staging-1')
    try {
      const release = await invoke<{ id: string; commit: string }>(host, 'releases.create', {})
      const started = await invoke<{ id: string }>(host, 'deployments.start', {
        release: release.id,
        environment: 'staging'
      })
      await expect
        .poll(
          async () =>
            (await invoke<{ id: string; status: string }[]>(host, 'deployments.list', {})).find(
              (d) => d.id === started.id
            )?.status,
          { timeout: 120_000 }
        )
        .toBe('succeeded')
      await page.setViewportSize({ width: 1280, height: 720 })
      await page.goto(host.url)
      const lane = page.getByTestId('lane-env-staging')
      await lane.getByTestId('run-env-staging').click()
      const view = page.getByTestId('env-view')
      await expect(view.getByTestId('env-link')).toBeVisible({ timeout: 120_000 })
      await expect(view.locator('h2')).toContainText(`staging (${release.id})`)
      await expect(view).toContainText(release.commit.slice(0, 8))
      await page.keyboard.press('Escape')
      await expect(lane.getByTestId('lane-run-staging')).toContainText('Running at')
      for (const colorScheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme })
        await page.screenshot({ path: join(SHOTS, `lane-${colorScheme}-1280.png`) })
      }
      await lane.getByRole('button', { name: 'Local run…' }).click()
      await view.getByRole('button', { name: 'Stop' }).click()
      await expect(view.getByTestId('env-view-state')).toContainText('Stopped', { timeout: 30_000 })
    } finally {
      await stopDemoApp(hostDir)
    }
  })
})
