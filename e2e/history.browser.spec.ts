import { expect, test } from '@playwright/test'
import { join } from 'node:path'
import { stopDemoApp } from '../src/main/testing/deploy-support'
import { startServe, type ServeHost } from './serve-host'
import { invoke, prepareDemo } from './views'

// The history of an environment, read from its hosts' logs: who, what, when, outcome, reason;
// the log of what this machine ran; roll back to an earlier release from a row, with a reason.

/** Waits (through the API) until a deployment has ended; answers its status. */
async function ended(host: ServeHost, id: string): Promise<string> {
  for (let i = 0; i < 240; i++) {
    const list = (await invoke(host, 'deployments.list', {})) as { id: string; status: string }[]
    const d = list.find((x) => x.id === id)
    if (d && d.status !== 'running') return d.status
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`${id} did not end in 60 s`)
}

test.describe('environment history (serve mode)', () => {
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

  test('lists deployments from the hosts and rolls back to an earlier one with a reason', async ({
    page
  }) => {
    test.setTimeout(240_000)
    const releases: string[] = []
    for (const reason of ['first cut', '']) {
      const release = (await invoke(host, 'releases.create', {})) as { id: string }
      const started = (await invoke(host, 'deployments.start', {
        release: release.id,
        environment: 'staging',
        ...(reason ? { reason } : {})
      })) as { id: string }
      expect(await ended(host, started.id)).toBe('succeeded')
      releases.push(release.id)
    }
    const [first, second] = releases

    await page.goto(host.url)
    const lane = page.getByTestId('lane-env-staging')
    await expect(lane.getByTestId('last-staging')).toContainText(second)
    await lane.getByTestId('history-staging').click()
    const dialog = page.getByTestId('history-dialog')
    await expect(dialog).toBeVisible()
    await expect(dialog.getByRole('heading', { name: 'History of staging' })).toBeVisible()
    const rows = dialog.getByTestId('history-row')
    await expect(rows).toHaveCount(2)
    await expect(rows.nth(0)).toContainText(`Deploy ${second} from ${first}`)
    await expect(rows.nth(0)).toContainText('succeeded')
    await expect(rows.nth(1)).toContainText(`Deploy ${first}`)
    await expect(rows.nth(1)).toContainText('“first cut”')
    // Both deployments are in the hosts' logs and in the ledger, matched by id.
    await expect(rows.nth(0)).toHaveAttribute('data-source', 'both')
    await expect(rows.nth(1)).toHaveAttribute('data-source', 'both')
    await expect(rows.nth(1)).toContainText('Hosts and ledger')
    await expect(dialog.getByTestId('history-differences')).toHaveCount(0)
    // Times read "… ago" with the exact time on hover, never raw ISO.
    const time = rows.nth(0).locator('time')
    await expect(time).toHaveText(/just now|ago/)
    await expect(time).toHaveAttribute('title', /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/)

    // The log of a deployment this machine ran.
    await rows
      .nth(1)
      .getByRole('button', { name: /^Log of the deploy/ })
      .click()
    await expect(page.getByTestId('deploy-progress')).toContainText(first)
    await page.keyboard.press('Escape')

    // Roll back to the first release from its row, with a reason.
    await lane.getByTestId('history-staging').click()
    await expect(rows).toHaveCount(2)
    await expect(rows.nth(0).getByRole('button', { name: 'Roll back to this…' })).toHaveCount(0)
    await rows.nth(1).getByRole('button', { name: 'Roll back to this…' }).click()
    const rollback = page.getByTestId('rollback-dialog')
    await expect(rollback.getByTestId('rollback-target')).toHaveText(first)
    await rollback.getByTestId('rollback-reason').fill('totals wrong on the second cut')
    await rollback.getByTestId('rollback-confirm').click()
    await expect(page.getByTestId('deploy-status')).toHaveAttribute('data-status', 'succeeded', {
      timeout: 60_000
    })
    await page.keyboard.press('Escape')

    await lane.getByTestId('history-staging').click()
    await expect(rows).toHaveCount(3)
    await expect(rows.nth(0)).toContainText(`Rollback to ${first} from ${second}`)
    await expect(rows.nth(0)).toContainText('“totals wrong on the second cut”')
    await expect(rows.nth(0)).toHaveAttribute('data-outcome', 'finished')
    await expect(rows.nth(0)).toHaveAttribute('data-source', 'both')
  })
})
