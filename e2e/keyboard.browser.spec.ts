import { expect, test, type Page } from '@playwright/test'
import { startServe, type ServeHost } from './serve-host'

// Keyboard and layout on the demo at the smallest size we support (1280×720): focus stays
// where the user is, and nothing the user needs is covered or cut off.

test.use({ viewport: { width: 1280, height: 720 } })

/** True when the focused element is inside the element with `testId`. */
async function focusIn(page: Page, testId: string): Promise<boolean> {
  // A string, evaluated in the page: e2e code is compiled without the DOM lib.
  const selector = JSON.stringify(`[data-testid="${testId}"]`)
  return (await page.evaluate(
    `document.querySelector(${selector})?.contains(document.activeElement) ?? false`
  )) as boolean
}

test.describe('keyboard and focus', () => {
  let host: ServeHost
  test.beforeAll(async () => {
    host = await startServe()
  })
  test.afterAll(async () => {
    await host?.stop()
  })

  test('Enter in the filter opens the drawer and moves focus into it', async ({ page }) => {
    await page.goto(host.url)
    await expect(page.getByTestId('branch-card').first()).toBeVisible()
    await page.locator('body').click()
    await page.keyboard.press('/')
    await page.keyboard.type('ORD')
    await page.keyboard.press('ArrowDown')
    await page.keyboard.press('Enter')
    await expect(page.getByTestId('branch-drawer')).toBeVisible()
    expect(await focusIn(page, 'branch-drawer')).toBe(true)
  })

  test("the main lane is focusable and opens main's runs", async ({ page }) => {
    await page.goto(host.url)
    const tip = page.getByTestId('main-tip')
    await tip.focus()
    await page.keyboard.press('Enter')
    const drawer = page.getByTestId('branch-drawer')
    await expect(drawer.locator('#drawer-title')).toHaveText('main')
    await expect(drawer.getByTestId('drawer-tests')).toBeVisible()
  })

  test('Tab stays inside the run view', async ({ page }) => {
    await page.goto(host.url)
    await page.getByTestId('main-tip').click()
    const log = page.getByTestId('branch-drawer').getByRole('button', { name: 'Log' }).first()
    await expect(log).toBeVisible({ timeout: 60_000 })
    await log.click()
    await expect(page.getByTestId('run-view')).toBeVisible()
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press(i % 4 === 3 ? 'Shift+Tab' : 'Tab')
      expect(await focusIn(page, 'run-view'), `after ${i + 1} presses`).toBe(true)
    }
  })

  test('tabbing through the queue panel never drops focus to the page', async ({ page }) => {
    await page.goto(host.url)
    await page.getByTestId('queue-button').click()
    await expect(page.getByTestId('queue-panel')).toBeVisible()
    // Runs start and end while we tab (rows move between the lists or leave them). Every press
    // lands on a control: inside the panel, and then on the control after it in the header.
    const describe = `(() => { const a = document.activeElement; return a === document.body ? 'body' : (a?.tagName ?? '') + ' ' + (a?.getAttribute('aria-label') ?? a?.textContent?.slice(0, 30) ?? '') })()`
    let before = (await page.evaluate(describe)) as string
    for (let i = 0; i < 60; i++) {
      const rows = (await page.evaluate(
        `document.querySelectorAll('[data-testid="queue-item"]').length`
      )) as number
      await page.keyboard.press('Tab')
      const now = (await page.evaluate(describe)) as string
      expect(now, `after ${i + 1} presses, from ${before} with ${rows} rows`).not.toBe('body')
      if (!(await focusIn(page, 'queue-panel'))) {
        // Out of the panel: on the next control of the header (past the end of the page the
        // browser itself takes focus, which is not what this test is about).
        await expect(page.getByRole('button', { name: 'Switch workspace' })).toBeFocused()
        return
      }
      before = now
    }
    throw new Error('60 presses did not leave the queue panel')
  })
})

test.describe('layout with the drawer open', () => {
  let host: ServeHost
  test.beforeAll(async () => {
    host = await startServe()
  })
  test.afterAll(async () => {
    await host?.stop()
  })

  test('lanes stay in view, cards keep their words, the queue covers nothing', async ({ page }) => {
    await page.goto(host.url)
    await page.getByTestId('branch-card').first().click()
    const drawer = page.getByTestId('branch-drawer')
    await expect(drawer).toBeVisible()
    const drawerBox = await drawer.boundingBox()
    const production = await page.getByTestId('lane-env-production').boundingBox()
    expect(drawerBox && production).toBeTruthy()
    if (!drawerBox || !production) return
    expect(production.x + production.width).toBeLessThanOrEqual(drawerBox.x + 1)

    // The tip's status keeps its word on a narrowed card ("passed", not just an icon).
    const label = page
      .getByTestId('branch-card')
      .first()
      .locator('[data-testid="test-status"][data-kind="tip"] .test-status-label')
    await expect(label).toBeVisible()
    await expect(label).toHaveText(/queued|running|passed|failed|cancelled|timed out|error/)

    // The queue panel: whole, and beside the drawer's close button rather than over it.
    await page.getByTestId('queue-button').click()
    const panel = page.getByTestId('queue-panel')
    await expect(panel).toBeVisible()
    const panelBox = await panel.boundingBox()
    if (!panelBox) throw new Error('no queue panel box')
    expect(panelBox.x + panelBox.width).toBeLessThanOrEqual(drawerBox.x)
    // Read every row's Cancel at once: runs finish and leave the list while the test reads.
    const cancelRights = await panel
      .getByRole('button', { name: 'Cancel', exact: true })
      .evaluateAll((buttons) =>
        buttons.map(
          (b) =>
            (b as unknown as { getBoundingClientRect(): { right: number } }).getBoundingClientRect()
              .right
        )
      )
    for (const right of cancelRights) {
      expect(right).toBeLessThanOrEqual(panelBox.x + panelBox.width + 0.5)
    }
    const close = drawer.getByRole('button', { name: 'Close branch details' })
    const closeBox = await close.boundingBox()
    if (!closeBox) throw new Error('no close button box')
    const [x, y] = [closeBox.x + closeBox.width / 2, closeBox.y + closeBox.height / 2]
    const onTop = await page.evaluate(
      `document.elementFromPoint(${x}, ${y})?.closest('button')?.getAttribute('aria-label')`
    )
    expect(onTop).toBe('Close branch details')
  })
})
