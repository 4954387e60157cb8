import { expect, test, type Page } from '@playwright/test'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { stopDemoApp } from '../src/main/testing/deploy-support'
import { fetchText } from '../src/main/testing/host-disk'
import { freePort } from '../src/main/testing/ports'
import { TestRepo } from '../src/main/testing/test-repo'
import { startServe, type ServeHost } from './serve-host'

// The whole flow on the demo, clicked through in Chromium: a new ticket → Start work → a
// commit → tests green → a pull request → the second person (Ben, in his own clone of the
// demo's origin) approves → merge → a release is built and staging deploys it by itself and
// serves it healthy.

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

function card(page: Page, branch: string) {
  return page.locator(`[data-testid="branch-card"][data-branch="${branch}"]`)
}

const SHOTS = 'e2e/screenshots'

test.describe('from a new ticket to a release running on staging (serve mode, demo)', () => {
  let host: ServeHost
  let demo: string
  let port: number
  test.beforeAll(async () => {
    // Serve builds out/ when stale and makes the demo (history, tickets, origin, Ben's clone).
    test.setTimeout(180_000)
    host = await startServe()
    demo = join(host.dataDir, 'demo', 'orders')
    // The demo's fixed staging port may be taken here: a free one, committed, then reopened.
    port = await freePort()
    const yml = join(demo, 'slipway.yml')
    writeFileSync(yml, readFileSync(yml, 'utf8').replace('port: 4301', `port: ${port}`))
    const repo = TestRepo.open(demo)
    repo.git(['commit', '--quiet', '-am', 'Staging on a free port for the e2e'])
    repo.git(['push', '--quiet', 'origin', 'main'])
    // Reopened as the demo (workspace.open would open it as an ordinary repository: no Ben).
    await invoke(host, 'workspace.openDemo', {})
  })
  test.afterAll(async () => {
    if (demo) await stopDemoApp(join(demo, '.slipway', 'hosts', 'staging-1'))
    await host?.stop()
  })

  test('new ticket, Start work, commit, green, pull request, Ben approves, merge, staging', async ({
    page
  }) => {
    test.setTimeout(300_000)
    mkdirSync(SHOTS, { recursive: true })
    await page.goto(host.url)
    await expect(page.getByTestId('board')).toBeVisible()

    // 1. A new ticket, from the tickets view.
    await page.getByTestId('open-tickets').click()
    await page.getByTestId('ticket-new').click()
    await page.getByTestId('ticket-title').fill('Export refunds for finance')
    await page.getByTestId('ticket-create').click()
    const dialog = page.getByTestId('ticket-dialog')
    // Creating claims a block of ticket numbers on the demo's origin: allow for a loaded machine.
    await expect(dialog).toBeVisible({ timeout: 60_000 })
    await expect(dialog.locator('h2')).toContainText('ORD-', { timeout: 30_000 })
    const heading = (await dialog.locator('h2').textContent()) ?? ''
    const key = /^(ORD-\d+)/.exec(heading)?.[1]
    expect(key, heading).toBeTruthy()
    await page.screenshot({ path: `${SHOTS}/flow-ticket.png` })

    // 2. Start work: the ticket's branch from main (the checkout stays where it is).
    await page.getByTestId('ticket-start-work').click()
    const started = page.getByTestId('ticket-started')
    await expect(started).toContainText(`${key}-export-refunds`, { timeout: 60_000 })
    const branch = (await started.locator('code').textContent()) ?? ''
    expect(branch.startsWith(`${key}-`)).toBe(true)
    await page.keyboard.press('Escape')
    await expect(dialog).toBeHidden()
    await page.keyboard.press('Escape')
    await expect(page.getByTestId('tickets-view')).toBeHidden()

    // 3. A commit on the branch, as the developer's own git would make it.
    const sha = TestRepo.open(demo).commitTo(
      branch,
      { 'docs/refunds.md': '# Refunds\n\nFinance exports refunds as CSV.\n' },
      `${key} Describe the refunds export`
    )
    const branchCard = card(page, branch)
    await expect(branchCard.locator('code.sha')).toHaveText(sha.slice(0, 8), { timeout: 20_000 })

    // 4. Tests green on the tip and on the merge result, by themselves.
    for (const kind of ['tip', 'merge']) {
      await expect(
        branchCard.locator(`[data-testid="test-status"][data-kind="${kind}"]`)
      ).toHaveAttribute('data-status', 'passed', { timeout: 120_000 })
    }

    // 5. Open a pull request from the branch drawer.
    await branchCard.click()
    await page.getByTestId('drawer-open-pull').click()
    await page.getByTestId('pull-open').click()
    const view = page.getByTestId('pull-view')
    // Opening pushes the branch to the demo's origin and syncs: allow for a loaded machine.
    await expect(view).toBeVisible({ timeout: 60_000 })
    await expect(view.getByTestId('pull-state')).toHaveText('open', { timeout: 60_000 })
    await expect(view.getByTestId('pull-commits')).toContainText('Describe the refunds export')
    await expect(view.getByTestId('diff-view')).toContainText('Finance exports refunds as CSV.', {
      timeout: 30_000
    })
    const approvals = view.locator('[data-check="approvals"]')
    await expect(approvals).toHaveClass(/check-failed|check-pending/)
    await page.screenshot({ path: `${SHOTS}/flow-pull-open.png` })

    // 6. Ben approves from his own clone of the demo's origin.
    await view.getByTestId('pull-review-as-ben').click()
    await expect(view.getByTestId('pull-conversation')).toContainText('Ben Okafor approved', {
      timeout: 60_000
    })
    await expect(approvals).toHaveClass(/check-passed/, { timeout: 30_000 })
    // The branch's card on the board says so too: its pull request and its three checks.
    const cardChecks = branchCard.getByTestId('card-checks')
    for (const check of ['tests', 'approvals', 'up-to-date']) {
      await expect(cardChecks.locator(`[data-check="${check}"]`)).toHaveAttribute(
        'data-status',
        'passed',
        { timeout: 30_000 }
      )
    }
    await expect(cardChecks).toHaveText('tests passedapprovals passedup to date passed')

    // 7. Merge: every check passes; main moves and is pushed to the demo's origin.
    await view.getByTestId('pull-merge').click()
    await expect(view.getByTestId('pull-state')).toHaveText('merged', { timeout: 120_000 })
    await expect(view.getByTestId('pull-merged')).toBeVisible()
    await page.screenshot({ path: `${SHOTS}/flow-pull-merged.png` })
    await page.keyboard.press('Escape')

    // 8. The merge is released and staging deploys it by itself, healthy.
    const staging = page.getByTestId('lane-env-staging')
    const note = staging.getByTestId('merge-release-staging')
    await expect(note).toContainText('deployed as', { timeout: 180_000 })
    const release = /deployed as ([^\s,]+)/.exec((await note.textContent()) ?? '')?.[1] ?? ''
    expect(release).toMatch(/^\d{8}\.\d{4,6}-[0-9a-f]{7,12}(-\d+)?$/)
    await expect(staging.getByTestId('host-release').first()).toContainText(release, {
      timeout: 60_000
    })
    expect(JSON.parse(await fetchText(`http://127.0.0.1:${port}/health`))).toMatchObject({
      release
    })
    await page.screenshot({ path: `${SHOTS}/flow-staging.png` })
  })
})
