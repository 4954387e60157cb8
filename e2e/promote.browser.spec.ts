import { expect, test, type Page } from '@playwright/test'
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { git, TeamRepos } from '../src/main/testing/team-repos'
import { expectNoSeriousAxeViolation } from './axe-check'
import { startServe, type ServeHost } from './serve-host'
import { invoke } from './views'

// Screenshots of the promote dialog at each step when SLIPWAY_SHOTS names a folder.
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

test.describe('promoting a release to production with a second person’s approval', () => {
  let repos: TeamRepos
  let host: ServeHost
  let anaPath: string
  let benPath: string
  let benData: string
  let ticketKey: string
  /** The key `n` places after the tracked ticket's (change tickets draw from the same sequence). */
  const after = (n: number): string => `ORD-${Number(ticketKey.split('-')[1]) + n}`
  const hosts = (): string => join(repos.root, 'hosts')

  test.beforeAll(async () => {
    repos = TeamRepos.create()
    mkdirSync(hosts())
    anaPath = repos.clone('ana', 'Ana Lima', 'ana@example.com')
    benPath = repos.clone('ben', 'Ben Okafor', 'ben@example.com')
    benData = mkdtempSync(join(tmpdir(), 'slipway-e2e-ben-'))
    writeFileSync(
      join(anaPath, 'slipway.yml'),
      `project: orders
tickets: { projects: [ORD] }
build:
  command: mkdir -p dist && printf '%s\\n' "$SLIPWAY_RELEASE" > dist/RELEASE && cp app.txt dist/
  artifact: dist
environments:
  - name: staging
    hosts: [{ local: ${hosts()}/staging-1, name: staging-1 }]
    healthCheck: { command: cat RELEASE }
  - name: production
    promoteFrom: staging
    approvals: { required: 1, authorCannotApprove: true }
    hosts:
      - { local: ${hosts()}/production-1, name: production-1 }
      - { local: ${hosts()}/production-2, name: production-2 }
    healthCheck: { command: cat RELEASE }
`
    )
    writeFileSync(join(anaPath, 'app.txt'), 'orders v1\n')
    git(anaPath, ['add', '.'])
    git(anaPath, ['commit', '-q', '-m', 'ORD-1 Orders app'])
    git(anaPath, ['push', '-q', 'origin', 'main'])
    git(benPath, ['pull', '-q', 'origin', 'main'])
    host = await startServe(anaPath)
    // A tracked ticket (the tracker takes the next key no commit names yet), then a commit for
    // it: its ticket links back to the promotions that ship it.
    const tracked = (await invoke(host, 'tickets.create', {
      title: 'Orders API',
      type: 'feature'
    })) as { key: string }
    ticketKey = tracked.key
    writeFileSync(join(anaPath, 'app.txt'), 'orders v2\n')
    git(anaPath, ['commit', '-q', '-am', `${ticketKey} Orders API`])
    git(anaPath, ['push', '-q', 'origin', 'main'])
    git(benPath, ['pull', '-q', 'origin', 'main'])
  })
  test.afterAll(async () => {
    await host?.stop()
    rmSync(benData, { recursive: true, force: true })
    repos?.remove()
  })

  test('staging → Promote… → what ships → request → Ben approves from his clone → deploy', async ({
    page
  }) => {
    test.setTimeout(420_000)
    await page.goto(host.url)
    const production = page.getByTestId('lane-env-production')
    await expect(production.getByTestId('promote-production')).toBeDisabled()
    await expect(production).toContainText('Promote waits for staging to run a release.')
    await expect(production.getByTestId('deploy-production')).toBeDisabled()
    await expect(production).toContainText(
      'Deploy is off: production takes releases only through an approved promotion.'
    )

    // Staging gets a release through the ordinary deploy dialog.
    await page.getByTestId('deploy-staging').click()
    await page.getByTestId('create-release').click()
    const options = page.getByTestId('deploy-release').locator('option[value^="2"]')
    await expect(options).toHaveCount(1, { timeout: 60_000 })
    const release = await page.getByTestId('deploy-release').inputValue()
    await page.getByTestId('deploy-start').click()
    await expect(page.getByTestId('deploy-status')).toHaveAttribute('data-status', 'succeeded', {
      timeout: 90_000
    })
    await page.getByTestId('deploy-close').click()
    await expect(page.getByTestId('lane-env-staging').getByTestId('host-health')).toHaveText(
      'healthy',
      { timeout: 60_000 }
    )

    // Promote…: what ships, before anything happens.
    await production.getByTestId('promote-production').click()
    const dialog = page.getByTestId('promote-dialog')
    await expect(dialog.getByTestId('promote-ships')).toContainText('ORD-1', { timeout: 60_000 })
    await expect(dialog.getByTestId('promote-ships')).toContainText('not tracked here')
    await expect(dialog.getByTestId('promote-ships')).toContainText(
      `${ticketKey} Orders API not resolved (open)`
    )
    await expect(dialog.getByTestId('promote-ships')).toContainText(
      'Nothing runs on production yet'
    )
    await shoot(page, 'issue-9-promote-ships')
    await dialog.getByTestId('promote-start').click()
    await expect(dialog.getByTestId('promote-approvals')).toContainText('Approvals: 0 of 1', {
      timeout: 60_000
    })
    await expect(dialog.getByTestId('promote-start')).toBeDisabled()
    await expect(dialog.getByTestId('promote-disabled-why')).toContainText(
      'Waiting for approvals: 1 more approval needed (0 of 1)'
    )
    // Ana's own approval is refused, saying why.
    await dialog.getByTestId('promote-approve').click()
    // Approve syncs first: under load the refusal takes more than the default 5 s.
    await expect(dialog.getByTestId('promote-error')).toHaveText(
      'ana@example.com requested this promotion; the approval must come from someone else',
      { timeout: 60_000 }
    )
    await shoot(page, 'issue-9-promote-pending')

    // Its change ticket opens over the dialog: what ships, no approval yet, no outcome.
    await expect(dialog.getByTestId('promote-change-ticket')).toContainText(
      `Change ticket ${after(1)}`
    )
    await expect(production.getByTestId('promotion-change-production')).toContainText(after(1))
    await dialog
      .getByTestId('promote-change-ticket')
      .getByRole('button', { name: after(1) })
      .click()
    const ticket = page.getByTestId('ticket-dialog')
    await expect(ticket.getByTestId('ticket-change-ships')).toContainText(
      `${ticketKey} Orders API`,
      {
        timeout: 30_000
      }
    )
    await expect(ticket.getByTestId('ticket-change-approvals')).toContainText('None yet.')
    await expect(ticket.getByTestId('ticket-change-outcome')).toContainText('Not deployed yet')
    // Only the topmost dialog shows: none of the promote dialog hangs out below the ticket.
    await expect(dialog).toBeHidden()
    await shoot(page, 'issue-9-change-ticket-open')
    await expectNoSeriousAxeViolation(page)
    await page.keyboard.press('Escape')
    await expect(ticket).toBeHidden()
    await expect(dialog).toBeVisible()

    // Ana withdraws it, by keyboard, saying why: the change ticket closes; she requests again.
    await dialog.getByTestId('promote-withdraw').focus()
    await page.keyboard.press('Enter')
    await expect(dialog.getByTestId('promote-withdraw-reason')).toBeFocused()
    await page.keyboard.type('the release notes need a look first')
    await shoot(page, 'issue-9-promote-withdraw')
    await expectNoSeriousAxeViolation(page)
    await page.keyboard.press('Tab')
    await page.keyboard.press('Tab')
    await expect(dialog.getByTestId('promote-withdraw-confirm')).toBeFocused()
    await page.keyboard.press('Enter')
    await expect(dialog.getByTestId('promote-withdrawn')).toHaveText(
      `The promotion of ${release} to production was withdrawn by ana@example.com: the release notes need a look first; change ticket ${after(1)} is closed. It can be requested again.`,
      { timeout: 60_000 }
    )
    await expect(production.getByTestId('promotion-production')).toHaveCount(0)
    await dialog.getByTestId('promote-start').click()
    await expect(dialog.getByTestId('promote-change-ticket')).toContainText(after(2), {
      timeout: 60_000
    })

    // Ben approves from his own clone, with the CLI.
    const approve = spawnSync(
      process.execPath,
      [
        resolve('out/main/cli.js'),
        'approve',
        release,
        'production',
        '--workspace',
        benPath,
        '--data-dir',
        benData
      ],
      { encoding: 'utf8', timeout: 120_000 }
    )
    expect(approve.status, approve.stderr).toBe(0)
    expect(approve.stdout).toContain('Approved.')

    // Ben's own board: Withdraw is Ana's alone, and his approval counts already; both say so.
    const benHost = await startServe(benPath)
    try {
      const benPage = await page.context().newPage()
      await benPage.goto(benHost.url)
      const benLane = benPage.getByTestId('lane-env-production')
      await expect(benLane.getByTestId('promotion-production')).toContainText(
        'approved, ready to deploy',
        { timeout: 60_000 }
      )
      await benLane.getByTestId('promotion-production').click()
      const benDialog = benPage.getByTestId('promote-dialog')
      await expect(benDialog.getByTestId('promote-withdraw')).toBeDisabled({ timeout: 30_000 })
      await expect(benDialog.getByTestId('promote-withdraw-why')).toHaveText(
        'Only Ana Lima <ana@example.com>, who requested this promotion, can withdraw it (you are ben@example.com).'
      )
      await expect(benDialog.getByTestId('promote-approve')).toBeDisabled()
      await expect(benDialog.getByTestId('promote-approve-why')).toHaveText(
        'You approved this promotion already; it counts toward the 1 required.'
      )
      await shoot(benPage, 'issue-9-promote-others-view')
      await expectNoSeriousAxeViolation(benPage)
      await benPage.close()
    } finally {
      await benHost.stop()
    }

    // Ana syncs: the approval arrives and the deploy button opens.
    await page.keyboard.press('Escape')
    await page.getByTestId('sync-indicator').getByRole('button', { name: 'Sync' }).click()
    await expect(production.getByTestId('promotion-production')).toContainText(
      'approved, ready to deploy',
      { timeout: 60_000 }
    )
    await production.getByTestId('promotion-production').click()
    await expect(dialog.getByTestId('promote-approvals')).toContainText('Ben Okafor')
    await expect(dialog.getByTestId('promote-approvals')).toContainText('Approvals: 1 of 1')
    await expect(dialog.getByTestId('promote-start')).toBeEnabled()
    await dialog.getByTestId('promote-start').click()
    await expect(dialog.getByTestId('promote-outcome')).toContainText('production: succeeded', {
      timeout: 120_000
    })
    for (const h of ['production-1', 'production-2']) {
      expect(readFileSync(join(hosts(), h, 'current', 'RELEASE'), 'utf8').trim()).toBe(release)
    }
    // Release notes, with Copy.
    await dialog.getByRole('button', { name: 'Release notes…' }).click()
    await expect(dialog.getByTestId('release-notes')).toContainText(`# Release ${release}`)
    await expect(dialog.getByTestId('release-notes')).toContainText('- ORD-1')
    await shoot(page, 'issue-9-promote-done')

    // The change ticket records the approval and the outcome; the tracked ticket links back to both
    // promotions that shipped it (the withdrawn one and this one).
    await dialog
      .getByTestId('promote-change-ticket')
      .getByRole('button', { name: after(2) })
      .click()
    await expect(ticket.getByTestId('ticket-change-approvals')).toContainText(
      'Ben Okafor <ben@example.com>, not signed',
      { timeout: 30_000 }
    )
    await expect(ticket.getByTestId('ticket-change-outcome')).toContainText('succeeded Deployed')
    await expect(dialog.getByTestId('release-notes')).toBeHidden()
    await shoot(page, 'issue-9-change-ticket-done')
    await ticket.getByTestId('ticket-change-ships').getByRole('button', { name: ticketKey }).click()
    await expect(ticket.getByTestId('ticket-changes')).toContainText(
      `${after(1)} ${release} to production: cancelled`,
      { timeout: 30_000 }
    )
    await expect(ticket.getByTestId('ticket-changes')).toContainText(
      `${after(2)} ${release} to production: succeeded`
    )
    await shoot(page, 'issue-9-ticket-promotions')
    await expectNoSeriousAxeViolation(page)
  })
})
