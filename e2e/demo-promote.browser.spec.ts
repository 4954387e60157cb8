import { expect, test, type Page } from '@playwright/test'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { stopDemoApp } from '../src/main/testing/deploy-support'
import { freePort } from '../src/main/testing/ports'
import { TestRepo } from '../src/main/testing/test-repo'
import { startServe, type ServeHost } from './serve-host'
import { invoke } from './views'

// The demo's own promotion, as a release manager clicks through it: staging gets a release,
// production asks for it through a promotion, the requester's own approval is refused, Priya
// (the demo's release approver, who authored none of its commits) approves from her clone,
// production serves the release on both hosts, and the ledger view shows what happened.

// Screenshots of each step when SLIPWAY_SHOTS names a folder (1280x720 and 1920x1080, both schemes).
const SHOTS = process.env.SLIPWAY_SHOTS ?? null

async function shoot(page: Page, name: string): Promise<void> {
  if (!SHOTS) return
  mkdirSync(SHOTS, { recursive: true })
  for (const colorScheme of ['light', 'dark'] as const) {
    for (const [width, height] of [
      [1280, 720],
      [1920, 1080]
    ] as const) {
      await page.emulateMedia({ colorScheme })
      await page.setViewportSize({ width, height })
      await page.screenshot({ path: join(SHOTS, `${name}-${colorScheme}-${width}x${height}.png`) })
    }
  }
  await page.emulateMedia({ colorScheme: 'light' })
  await page.setViewportSize({ width: 1440, height: 900 })
}

test.describe('promoting the demo’s staging release to production (serve mode)', () => {
  let host: ServeHost
  let demo: string
  const ports: Record<string, number> = {}
  const hostDir = (name: string): string => join(demo, '.slipway', 'hosts', name)

  test.beforeAll(async () => {
    test.setTimeout(180_000)
    host = await startServe()
    demo = join(host.dataDir, 'demo', 'orders')
    // The demo's fixed ports may be taken on this machine: give each host a free one.
    const yml = join(demo, 'slipway.yml')
    let text = readFileSync(yml, 'utf8')
    for (const [name, port] of [
      ['staging-1', 4301],
      ['production-1', 4401],
      ['production-2', 4402]
    ] as const) {
      ports[name] = await freePort()
      text = text.replace(`port: ${port}`, `port: ${ports[name]}`)
    }
    writeFileSync(yml, text)
    const repo = TestRepo.open(demo)
    repo.git(['commit', '--quiet', '-am', 'Hosts on free ports for the e2e'])
    repo.git(['push', '--quiet', 'origin', 'main'])
    // Reopened as the demo (workspace.open would open it as an ordinary repository: no Priya).
    await invoke(host, 'workspace.openDemo', {})
  })
  test.afterAll(async () => {
    if (demo) {
      for (const name of ['staging-1', 'production-1', 'production-2']) {
        await stopDemoApp(hostDir(name))
      }
    }
    await host?.stop()
  })

  test('build and deploy staging, request, approve as Priya, production serves it, the ledger shows it', async ({
    page
  }) => {
    test.setTimeout(420_000)
    await page.goto(host.url)
    const production = page.getByTestId('lane-env-production')
    await expect(production.getByTestId('promote-production')).toBeDisabled()
    await expect(production).toContainText('Promote waits for staging to run a release.')

    // Staging: a release built from main and deployed through the deploy dialog.
    await page.getByTestId('deploy-staging').click()
    await page.getByTestId('create-release').click()
    const options = page.getByTestId('deploy-release').locator('option[value^="2"]')
    await expect(options).toHaveCount(1, { timeout: 90_000 })
    const release = await page.getByTestId('deploy-release').inputValue()
    await page.getByTestId('deploy-start').click()
    await expect(page.getByTestId('deploy-status')).toHaveAttribute('data-status', 'succeeded', {
      timeout: 120_000
    })
    await page.getByTestId('deploy-close').click()
    const staging = page.getByTestId('lane-env-staging')
    await expect(staging.getByTestId('host-health')).toHaveText('healthy', { timeout: 60_000 })

    // Promote…: everything ships (production runs nothing yet); request it.
    await production.getByTestId('promote-production').click()
    const dialog = page.getByTestId('promote-dialog')
    await expect(dialog.getByTestId('promote-ships')).toContainText(
      'Nothing runs on production yet',
      { timeout: 60_000 }
    )
    await expect(dialog.getByTestId('promote-ships')).toContainText(
      'ORD-115 Reject orders with more than 50 items'
    )
    await shoot(page, 'issue-9-ledger-view-demo-promote-ships')
    await dialog.getByTestId('promote-start').click()
    await expect(dialog.getByTestId('promote-approvals')).toContainText('Approvals: 0 of 1', {
      timeout: 90_000
    })
    await expect(dialog.getByTestId('promote-start')).toBeDisabled()
    await expect(dialog.getByTestId('promote-disabled-why')).toContainText('Waiting for')

    await expect(dialog.getByTestId('promote-approve-as-priya')).toBeEnabled()
    await shoot(page, 'issue-9-ledger-view-demo-pending')

    // The requester's own approval is refused, in words.
    await dialog.getByTestId('promote-approve').click()
    await expect(dialog.getByTestId('promote-error')).toContainText(
      'requested this promotion; the approval must come from someone else',
      { timeout: 60_000 }
    )

    // Priya approves from her own clone; the approval arrives here through origin.
    await dialog.getByTestId('promote-approve-as-priya').click()
    const approvals = dialog.getByTestId('promote-approvals')
    await expect(approvals).toContainText('Approvals: 1 of 1', { timeout: 90_000 })
    await expect(approvals).toContainText('Priya Nair <priya@orders.example>')
    await expect(dialog.getByTestId('promote-error')).toHaveCount(0)

    // The demo's production freezes from Friday 16:00 to Monday 08:00 (this machine's time):
    // then the deploy needs a written reason, as a release manager would give it.
    const override = dialog.getByTestId('promote-override')
    if (await override.isVisible()) await override.fill('demo e2e: promotion flow check')
    await expect(dialog.getByTestId('promote-start')).toBeEnabled()
    await shoot(page, 'issue-9-ledger-view-demo-approved')
    await dialog.getByTestId('promote-start').click()
    await expect(dialog.getByTestId('promote-outcome')).toContainText('production: succeeded', {
      timeout: 180_000
    })
    await shoot(page, 'issue-9-ledger-view-demo-deployed')

    // Both production hosts serve the release: their `current` and the running app say so.
    for (const name of ['production-1', 'production-2']) {
      expect(readFileSync(join(hostDir(name), 'current', 'RELEASE'), 'utf8').trim()).toBe(release)
      const health = (await (await fetch(`http://127.0.0.1:${ports[name]}/health`)).json()) as {
        status: string
        release: string
      }
      expect(health).toEqual({ status: 'ok', release })
    }
    await page.keyboard.press('Escape')

    // Production's history: the deployment as both its hosts and the ledger hold it.
    await production.getByTestId('history-production').click()
    const history = page.getByTestId('history-dialog')
    await expect(history.getByTestId('history-row')).toHaveCount(1, { timeout: 60_000 })
    await expect(history.getByTestId('history-row')).toHaveAttribute('data-source', 'both')
    await shoot(page, 'issue-9-ledger-view-demo-history')
    await page.keyboard.press('Escape')

    // The ledger view: the production deployment of that release, from start to end.
    await page.getByTestId('open-ledger').click()
    const view = page.getByTestId('ledger-view')
    await view.getByTestId('ledger-environment').selectOption('production')
    const rows = view.getByTestId('ledger-row')
    await expect(view.locator('[data-kind="deployment"]').first()).toContainText(
      `Deployment of ${release} on production ended: succeeded`,
      { timeout: 30_000 }
    )
    await expect(view).toContainText(`Deployment of ${release} on production started`)
    await expect(view.locator('[data-kind="lock"]')).toHaveCount(1)
    // The promotion's own entries: requested, the requester's approval refused with its words,
    // Priya's approval (appended in her clone, arrived by the sync), the end.
    const promotions = view.locator('[data-kind="promotion"]')
    await expect(promotions.filter({ hasText: ': requested' })).toHaveCount(1)
    await expect(promotions.filter({ hasText: ': approval refused' })).toContainText(
      'requested this promotion'
    )
    await expect(promotions.filter({ hasText: ': ended' })).toContainText('succeeded')
    const approval = view.locator('[data-kind="approval"]')
    await expect(approval).toHaveCount(1)
    await expect(approval).toContainText(`Approved ${release} for production`)
    await expect(approval).toContainText('priya@orders.example')
    await view.getByTestId('ledger-person').fill('priya')
    await expect(rows).toHaveCount(1)
    await view.getByTestId('ledger-person').fill('')
    await view.getByTestId('ledger-verify').click()
    await expect(view.getByTestId('ledger-verify-result')).toHaveAttribute('data-ok', 'true', {
      timeout: 60_000
    })
    await shoot(page, 'issue-9-ledger-view-demo-ledger')
    await view.getByRole('button', { name: 'Clear filters' }).click()
    await expect(view.getByTestId('ledger-count')).toHaveText(/^\d+ entries$/)
    await shoot(page, 'issue-9-ledger-view-demo-ledger-all')
  })
})
