import AxeBuilder from '@axe-core/playwright'
import { expect, test } from '@playwright/test'
import { mkdirSync, readFileSync } from 'node:fs'
import { TestRepo } from '../src/main/testing/test-repo'
import { startServe, type ServeHost } from './serve-host'

// Logs you can work with, on a real repository whose test command prints a 1.9 MB log (far
// more than the 256 KiB window the run view reads): search the whole stored log, jump to the
// first failing line, follow / pause, download and copy, all by keyboard.

const BRANCH = 'feature/ORD-7-long-log'
const LINES = 30_000
// awk prints the log fast: a failing line early, a needle in the middle, the end last.
const CHECK = [
  `awk 'BEGIN { for (i = 1; i <= ${LINES}; i++) {`,
  '  if (i == 101) print "not ok 7 - refund rounds the total";',
  '  else if (i == 15001) print "needle-in-the-middle found here";',
  '  else printf "ok %d - step %d passes, with some words to make the line longer\\n", i, i } }\'',
  'echo "the end of the log"',
  'exit 1',
  ''
].join('\n')

let host: ServeHost
let repo: TestRepo
test.beforeAll(async () => {
  repo = TestRepo.create({
    prefix: 'slipway-logs-e2e-',
    files: {
      'slipway.yml': 'project: logs\nmainBranch: main\ntest: { command: sh check.sh }\n',
      'check.sh': CHECK
    }
  })
  repo.commitTo(BRANCH, { 'notes.txt': 'ORD-7\n' }, 'ORD-7 a change with a long test log')
  host = await startServe(repo.path)
})
test.afterAll(async () => {
  await host?.stop()
  repo?.remove()
})

test('search the whole stored log, first failure, follow, download and copy, by keyboard', async ({
  page,
  context
}) => {
  test.setTimeout(180_000)
  await context.grantPermissions(['clipboard-read', 'clipboard-write'])
  await page.goto(host.url)
  const card = page.locator(`[data-testid="branch-card"][data-branch="${BRANCH}"]`)
  await expect(card.locator('[data-testid="test-status"][data-kind="tip"]')).toHaveAttribute(
    'data-status',
    'failed',
    { timeout: 120_000 }
  )
  await card.focus()
  await page.keyboard.press('Enter')
  const log = page.getByTestId('drawer-tests').getByRole('button', { name: 'Log' }).first()
  await log.focus()
  await page.keyboard.press('Enter')
  const view = page.getByTestId('run-view')
  const viewer = view.getByTestId('log-viewer')
  const status = view.getByTestId('log-status')
  const fmt = (n: number): string => n.toLocaleString('en')
  const shownLine = async (): Promise<number> =>
    Number((await status.textContent())!.replace(/.*line ([\d,]+).*/, '$1').replace(/,/g, ''))
  // The view holds the tail: the middle of the log is not loaded.
  await expect(viewer).toContainText('the end of the log')
  await expect(viewer).toContainText('Scroll up for earlier output')
  await expect(viewer).not.toContainText('needle-in-the-middle')

  // "/" from the log reaches the search; the backend searches the whole stored log.
  await viewer.focus()
  await page.keyboard.press('/')
  await expect(view.getByTestId('log-search')).toBeFocused()
  await page.keyboard.type('NEEDLE-in-the')
  await expect(status).toHaveText(/^Match 1 of 1, line [\d,]+$/, { timeout: 20_000 })
  const hit = view.getByTestId('log-hit-current')
  await expect(hit).toHaveText('needle-in-the')
  await expect(hit).toBeInViewport()
  // The line is numbered as the status says (Slipway's own notes come before the command's).
  const line = await shownLine()
  expect(line).toBeGreaterThan(15_000)
  const row = view.locator(`.log-line[data-line="${line - 1}"]`)
  await expect(row).toContainText('needle-in-the-middle found here')
  await expect(row.locator('.log-line-no')).toHaveText(String(line))
  const notes = line - 15_001
  await expect(view.getByTestId('log-follow')).toHaveAttribute('aria-pressed', 'false')
  // Scrolled down from there, later output is read on (the window is not the tail any more).
  await expect(viewer).toContainText('Scroll down for later output')

  // Many hits: Enter and Shift+Enter walk them, the status says where.
  await view.getByTestId('log-search').fill('step 2999')
  await expect(status).toHaveText(`Match 1 of 11, line ${fmt(2999 + notes)}`)
  await page.keyboard.press('Enter')
  await expect(status).toHaveText(`Match 2 of 11, line ${fmt(29_990 + notes)}`)
  await page.keyboard.press('Shift+Enter')
  await page.keyboard.press('Shift+Enter')
  await expect(status).toHaveText(`Match 11 of 11, line ${fmt(29_999 + notes)}`)
  await expect(view.getByTestId('log-hit-current')).toBeInViewport()

  // First failure: the failing line far before the tail, marked and in view.
  await view.getByTestId('log-first-failure').focus()
  await page.keyboard.press('Enter')
  await expect(status).toHaveText(`Failing line 1 of 1, line ${fmt(101 + notes)}`)
  await expect(view.getByTestId('log-hit-current')).toHaveText('not ok')
  await expect(view.getByTestId('log-hit-current')).toBeInViewport()

  // axe over the run view with its tools and a marked hit, light and dark.
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme })
    const results = await new AxeBuilder({ page })
      .include('[data-testid="run-view"]')
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
      .analyze()
    const serious = results.violations.filter(
      (v) => v.impact === 'serious' || v.impact === 'critical'
    )
    expect(serious.map((v) => `${v.id}: ${v.nodes[0]?.target.join(' ')}`)).toEqual([])
  }

  mkdirSync('e2e/screenshots', { recursive: true })
  for (const scheme of ['light', 'dark'] as const) {
    for (const [width, height] of [
      [1280, 720],
      [1920, 1080]
    ] as const) {
      await page.emulateMedia({ colorScheme: scheme })
      await page.setViewportSize({ width, height })
      await expect(view.getByTestId('log-hit-current')).toBeInViewport()
      await page.screenshot({
        path: `e2e/screenshots/logs-failure-${scheme}-${width}x${height}.png`
      })
    }
  }

  // Follow goes back to the live end.
  await view.getByTestId('log-follow').focus()
  await page.keyboard.press('Enter')
  await expect(view.getByTestId('log-follow')).toHaveAttribute('aria-pressed', 'true')
  await expect(viewer).toContainText('the end of the log')
  await expect(viewer).not.toContainText('Scroll down for later output')

  // Download and Copy hold the whole log as shown, not the window.
  await view.getByTestId('log-download').focus()
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.keyboard.press('Enter')
  ])
  expect(download.suggestedFilename()).toMatch(/^feature-ORD-7-long-log-tip-[0-9a-f]{8}\.log$/)
  const text = readFileSync((await download.path())!, 'utf8')
  expect(text).toContain('ok 1 - step 1 passes')
  expect(text).toContain('needle-in-the-middle found here')
  expect(text).toContain('the end of the log')
  expect(text.split('\n').filter((l) => /^ok \d+ - step/.test(l))).toHaveLength(LINES - 2)
  expect(text).not.toContain('\x1b')
  await view.getByTestId('log-copy').focus()
  await page.keyboard.press('Enter')
  await expect(status).toHaveText(/^Copied the whole log \([\d,]+ lines\)$/)
  // (The e2e project has no DOM types: the page's clipboard, typed by hand.)
  type PageGlobal = { navigator: { clipboard: { readText(): Promise<string> } } }
  const pasted = await page.evaluate(() =>
    (globalThis as unknown as PageGlobal).navigator.clipboard.readText()
  )
  expect(pasted).toBe(text)
})
