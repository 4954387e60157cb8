import { expect, test } from '@playwright/test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { stopDemoApp } from '../src/main/testing/deploy-support'
import { startServe, type ServeHost } from './serve-host'
import { invoke, prepareDemo } from './views'

// The ledger view over the demo: a real release and deployment to staging are recorded (release,
// deployment started, lock, deployment finished); the view lists them, filters them, verifies
// the chain against the host's own log, saves CSV, and shows a new entry without a refresh.

async function ended(host: ServeHost, id: string): Promise<string> {
  for (let i = 0; i < 240; i++) {
    const list = (await invoke(host, 'deployments.list', {})) as { id: string; status: string }[]
    const d = list.find((x) => x.id === id)
    if (d && d.status !== 'running') return d.status
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`${id} did not end in 60 s`)
}

test.describe('the ledger view (serve mode)', () => {
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

  test('lists, filters, verifies and exports the entries, and follows new ones live', async ({
    page
  }) => {
    test.setTimeout(240_000)
    const release = (await invoke(host, 'releases.create', {})) as { id: string }
    const started = (await invoke(host, 'deployments.start', {
      release: release.id,
      environment: 'staging',
      reason: 'ledger e2e'
    })) as { id: string }
    expect(await ended(host, started.id)).toBe('succeeded')

    await page.goto(host.url)
    await expect(page.getByTestId('board')).toBeVisible()
    // By keyboard: the header's Ledger button, Enter.
    const button = page.getByTestId('open-ledger')
    await button.focus()
    await page.keyboard.press('Enter')
    const view = page.getByTestId('ledger-view')
    await expect(view.getByRole('heading', { name: 'Ledger' })).toBeVisible()
    const rows = view.getByTestId('ledger-row')
    // Newest first: the deployment's end, the lock, its start, the release.
    await expect(rows).toHaveCount(4, { timeout: 30_000 })
    await expect(rows.nth(0)).toHaveAttribute('data-kind', 'deployment')
    await expect(rows.nth(0)).toContainText(`Deployment of ${release.id} on staging ended`)
    await expect(rows.nth(0)).toContainText('succeeded')
    await expect(rows.nth(1)).toHaveAttribute('data-kind', 'lock')
    await expect(rows.nth(2)).toContainText(`Deployment of ${release.id} on staging started`)
    await expect(rows.nth(2)).toContainText('ledger e2e')
    await expect(rows.nth(3)).toContainText(`Built release ${release.id}`)

    // Filters go to the backend: kind, then outcome, then an environment with no entries.
    await view.getByTestId('ledger-kinds').getByLabel('release').check()
    await expect(rows).toHaveCount(1)
    await expect(rows.nth(0)).toHaveAttribute('data-kind', 'release')
    await view.getByRole('button', { name: 'Clear filters' }).click()
    await expect(rows).toHaveCount(4)
    await view.getByTestId('ledger-outcome').selectOption('succeeded')
    await expect(rows).toHaveCount(1)
    await view.getByTestId('ledger-outcome').selectOption('')
    await view.getByTestId('ledger-environment').selectOption('production')
    await expect(view.getByTestId('ledger-empty')).toHaveText('No entry matches these filters.')
    await view.getByRole('button', { name: 'Clear filters' }).click()
    await expect(rows).toHaveCount(4)

    // Verify: the chain and the staging host's own log agree.
    await view.getByTestId('ledger-verify').click()
    const verdict = view.getByTestId('ledger-verify-result')
    await expect(verdict).toHaveAttribute('data-ok', 'true', { timeout: 60_000 })
    await expect(verdict).toContainText(
      "Verified: 4 entries in an unbroken chain, 1 deployment confirmed by the hosts' own logs."
    )

    // Export CSV: a real download, oldest first, one line per entry after the header.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      view.getByTestId('ledger-export-csv').click()
    ])
    expect(download.suggestedFilename()).toMatch(/^slipway-ledger-\d{4}-\d{2}-\d{2}-\d{4}\.csv$/)
    const csv = readFileSync(await download.path(), 'utf8')
      .trim()
      .split(/\r?\n/)
    expect(csv).toHaveLength(5)
    expect(csv[1]).toContain('release')
    expect(csv[4]).toContain('deployment')
    await expect(view.getByTestId('ledger-exported')).toContainText('Saved 4 entries as')

    // Live: a release built elsewhere (the API, as another window would) appears by itself.
    const next = (await invoke(host, 'releases.create', {})) as { id: string }
    await expect(rows).toHaveCount(5, { timeout: 30_000 })
    await expect(rows.nth(0)).toContainText(`Built release ${next.id}`)

    await page.keyboard.press('Escape')
    await expect(view).toBeHidden()
    await expect(button).toBeFocused()
  })
})
