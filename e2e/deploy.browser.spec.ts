import { expect, test, type Page } from '@playwright/test'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'
import { hostname } from 'node:os'
import { bootId } from '../src/main/services/process-identity'
import { stopDemoApp } from '../src/main/testing/deploy-support'
import { freePort } from '../src/main/testing/ports'
import { startServe, type ServeHost } from './serve-host'
import { trustOpenWorkspace } from './views'

async function invoke(host: ServeHost, method: string, request: unknown): Promise<unknown> {
  const res = await fetch(`${host.origin}/api/invoke/${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${host.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(request)
  })
  const body = (await res.json()) as { ok: boolean; value?: unknown; error?: unknown }
  expect(body.ok, JSON.stringify(body.error)).toBe(true)
  return body.value
}

/** Builds a release from main in the deploy dialog; answers its id. */
async function createRelease(page: Page, before: number): Promise<string> {
  await page.getByTestId('create-release').click()
  // Releases only (not the "No releases yet" placeholder), one more than before.
  const options = page.getByTestId('deploy-release').locator('option[value^="2"]')
  await expect(options).toHaveCount(before + 1, { timeout: 30_000 })
  await expect(page.getByTestId('create-release')).toBeEnabled()
  const id = await page.getByTestId('deploy-release').inputValue()
  expect(id).toMatch(/^\d{8}\.\d{4,6}-[0-9a-f]{7,12}(-\d+)?$/)
  return id
}

async function waitForEnd(page: Page, status: string): Promise<void> {
  await expect(page.getByTestId('deploy-status')).toHaveAttribute('data-status', status, {
    timeout: 60_000
  })
}

test.describe('deploying the demo from the board (serve mode)', () => {
  let host: ServeHost
  let hostDir: string
  test.beforeAll(async () => {
    host = await startServe()
    // The demo's fixed port (4301) may be in use here: give staging a free one, then reopen.
    const demo = join(host.dataDir, 'demo', 'orders')
    const yml = join(demo, 'slipway.yml')
    const port = await freePort()
    writeFileSync(yml, readFileSync(yml, 'utf8').replace('port: 4301', `port: ${port}`))
    await invoke(host, 'workspace.open', { path: demo })
    await trustOpenWorkspace(host)
    hostDir = join(demo, '.slipway', 'hosts', 'staging-1')
  })
  test.afterAll(async () => {
    if (hostDir) await stopDemoApp(hostDir)
    await host?.stop()
  })

  test('create a release, deploy it to staging, see it healthy, roll back', async ({ page }) => {
    test.setTimeout(180_000)
    await page.goto(host.url)
    const staging = page.getByTestId('lane-env-staging')
    await expect(staging.getByTestId('host-release')).toContainText('nothing deployed')

    // First release, deployed from the dialog.
    await page.getByTestId('deploy-staging').click()
    const dialog = page.getByTestId('deploy-dialog')
    await expect(dialog).toBeVisible()
    const first = await createRelease(page, 0)
    await expect(dialog.getByTestId('changes')).toContainText('Nothing is deployed yet')
    await expect(dialog.getByTestId('changes')).toContainText('ORD-108')
    await page.screenshot({ path: 'e2e/screenshots/deploy-dialog.png' })
    await page.getByTestId('deploy-start').click()
    const progress = page.getByTestId('deploy-progress')
    await expect(progress).toBeVisible()
    await waitForEnd(page, 'succeeded')
    await expect(progress.getByTestId('progress-staging-1')).toHaveAttribute('data-state', 'done')
    await expect(progress.getByTestId('deploy-log')).toContainText(first)
    // The deployment's log has the same tools as a test log: search it by keyboard.
    await progress.getByTestId('log-search').focus()
    await page.keyboard.type('STAGING-1')
    await expect(progress.getByTestId('log-status')).toHaveText(/^Match 1 of \d+, line \d+$/)
    await expect(progress.getByTestId('log-hit-current')).toHaveText('staging-1')
    await page.screenshot({ path: 'e2e/screenshots/deploy-progress.png' })
    await page.getByTestId('deploy-close').click()

    await expect(staging.getByTestId('host-release')).toHaveText(first)
    await expect(staging.getByTestId('host-health')).toHaveText('healthy')
    await expect(staging.getByTestId('last-staging')).toContainText(`${first} succeeded`)

    // A second release on top, so there is something to roll back from.
    await page.getByTestId('deploy-staging').click()
    const second = await createRelease(page, 1)
    expect(second).not.toBe(first)
    await expect(dialog.getByTestId('deployed-now')).toContainText(first)
    await page.getByTestId('deploy-start').click()
    await waitForEnd(page, 'succeeded')
    // Per host: what was sent from this machine and what was reused on the host, from where.
    await expect(progress.getByTestId('transfer-staging-1')).toContainText(
      new RegExp(
        `^sent [\\d.]+ (B|KiB|MiB) from this machine, reused [\\d.]+ (B|KiB|MiB) from ${first}$`
      )
    )
    for (const colorScheme of ['light', 'dark'] as const) {
      for (const [width, height] of [
        [1280, 720],
        [1920, 1080]
      ]) {
        await page.emulateMedia({ colorScheme })
        await page.setViewportSize({ width, height })
        await page.screenshot({
          path: `e2e/screenshots/deploy-progress-transfer-${colorScheme}-${width}.png`
        })
      }
    }
    await page.emulateMedia({ colorScheme: 'light' })
    await page.setViewportSize({ width: 1440, height: 900 })
    await page.getByTestId('deploy-close').click()
    await expect(staging.getByTestId('host-release')).toHaveText(second)

    // Roll back, with a confirmation naming the release it goes back to.
    await page.getByTestId('rollback-staging').click()
    const confirm = page.getByTestId('rollback-dialog')
    await expect(confirm.getByTestId('rollback-target')).toHaveText(first)
    await page.getByTestId('rollback-confirm').click()
    await waitForEnd(page, 'succeeded')
    await page.getByTestId('deploy-close').click()
    await expect(staging.getByTestId('host-release')).toHaveText(first)
    await expect(staging.getByTestId('host-health')).toHaveText('healthy')
    await expect(staging.getByTestId('read-staging')).toBeVisible()
    await page.screenshot({ path: 'e2e/screenshots/deploy-board.png' })
  })
  test('a stale lock is shown with its holder and broken with a required reason', async ({
    page
  }) => {
    // A deploy from another laptop that died two hours ago left its lock on the host.
    const since = new Date(Date.now() - 2 * 3_600_000).toISOString()
    mkdirSync(join(hostDir, '.slipway'), { recursive: true })
    writeFileSync(
      join(hostDir, '.slipway', 'lock'),
      JSON.stringify({
        holder: 'bo@desk',
        machine: 'desk',
        reason: 'ORD-150 discount codes',
        since,
        heartbeatAt: since,
        deployment: 'd-gone',
        environment: 'staging'
      }) + '\n'
    )
    await page.goto(host.url)
    const staging = page.getByTestId('lane-env-staging')
    const badge = staging.getByTestId('lock-badge')
    await expect(badge).toContainText('bo@desk')
    await expect(badge).toContainText('stale')
    await page.screenshot({ path: 'e2e/screenshots/deploy-stale-lock.png' })

    await badge.getByTestId('break-lock').click()
    const dialog = page.getByTestId('break-lock-dialog')
    await expect(dialog).toContainText('bo@desk')
    await expect(page.getByTestId('break-lock-confirm')).toBeDisabled()
    await page.getByTestId('break-lock-reason').fill('bo is on holiday, checked with him')
    await page.getByTestId('break-lock-confirm').click()
    await expect(dialog).toBeHidden()
    await expect(staging.getByTestId('lock-badge')).toHaveCount(0)
    expect(existsSync(join(hostDir, '.slipway', 'lock'))).toBe(false)
  })

  test('a lock left by a Slipway on this machine that is gone says so; its reason is filled in', async ({
    page
  }) => {
    // A `slipway deploy` of this machine killed mid-deployment: its process no longer exists.
    const gone = spawnSync('sh', ['-c', 'echo $$']).stdout.toString().trim()
    const since = new Date(Date.now() - 60_000).toISOString()
    mkdirSync(join(hostDir, '.slipway'), { recursive: true })
    writeFileSync(
      join(hostDir, '.slipway', 'lock'),
      JSON.stringify({
        holder: 'ana@laptop',
        machine: hostname(),
        reason: 'ORD-151 refunds',
        since,
        heartbeatAt: new Date().toISOString(),
        deployment: 'd-killed',
        environment: 'staging',
        pid: Number(gone),
        pidStart: 1,
        bootId: bootId()
      }) + '\n'
    )
    await page.goto(host.url)
    const staging = page.getByTestId('lane-env-staging')
    const badge = staging.getByTestId('lock-badge')
    // Its heartbeat is fresh, yet it is stale: the process that took it is gone.
    await expect(badge).toContainText('left by a stopped Slipway')
    await badge.getByTestId('break-lock').click()
    const dialog = page.getByTestId('break-lock-dialog')
    await expect(dialog).toContainText(
      `It was left behind: the Slipway that took it on this machine is gone`
    )
    const reason = page.getByTestId('break-lock-reason')
    await expect(reason).toHaveValue(
      /^left by a Slipway that stopped without releasing it during deployment d-killed/
    )
    for (const colorScheme of ['light', 'dark'] as const) {
      for (const [width, height] of [
        [1280, 720],
        [1920, 1080]
      ] as const) {
        await page.emulateMedia({ colorScheme })
        await page.setViewportSize({ width, height })
        await page.screenshot({
          path: `e2e/screenshots/deploy-dead-lock-${colorScheme}-${width}.png`
        })
      }
    }
    await page.getByTestId('break-lock-confirm').click()
    await expect(dialog).toBeHidden()
    await expect(staging.getByTestId('lock-badge')).toHaveCount(0)
    const log = readFileSync(join(hostDir, '.slipway', 'deployments.jsonl'), 'utf8')
    expect(log).toContain('"lock-broken"')
    expect(log).toContain(
      'left by a Slipway that stopped without releasing it during deployment d-killed'
    )
  })
})
