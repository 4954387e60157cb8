import { expect, test, type Page } from '@playwright/test'
import { startServe, type ServeHost } from './serve-host'
import { ensurePull, PULL_BRANCH } from './views'

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

  test('tickets view and a ticket by keyboard alone: focus moves in, stays in, comes back', async ({
    page
  }) => {
    await page.goto(host.url)
    const button = page.getByTestId('open-tickets')
    await button.focus()
    await page.keyboard.press('Enter')
    await expect(page.getByTestId('tickets-view')).toBeVisible()
    expect(await focusIn(page, 'tickets-view')).toBe(true)
    const search = page.getByTestId('tickets-search')
    for (
      let i = 0;
      i < 5 && !(await search.evaluate((e) => e === e.ownerDocument.activeElement));
      i++
    ) {
      await page.keyboard.press('Tab')
    }
    await expect(search).toBeFocused()
    await page.keyboard.type('ORD-142')
    const row = page.locator('[data-testid="ticket-row"][data-key="ORD-142"]')
    await expect(row).toBeVisible({ timeout: 30_000 })
    await expect(page.getByTestId('ticket-row')).toHaveCount(1)
    // Tab from the search field reaches the ticket's row; Enter opens the ticket.
    for (
      let i = 0;
      i < 15 && !(await row.evaluate((e) => e === e.ownerDocument.activeElement));
      i++
    ) {
      await page.keyboard.press('Tab')
      expect(await focusIn(page, 'tickets-view'), `after ${i + 1} presses`).toBe(true)
    }
    await expect(row).toBeFocused()
    await page.keyboard.press('Enter')
    const dialog = page.getByTestId('ticket-dialog')
    await expect(dialog.getByTestId('ticket-start-work')).toBeVisible({ timeout: 30_000 })
    // Tab moves through the ticket's controls (a dialog over the tickets view takes the
    // keyboard: Tab is not pulled back into the view below) and never leaves the dialog.
    const visited = new Set<string>()
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press(i % 4 === 3 ? 'Shift+Tab' : 'Tab')
      expect(await focusIn(page, 'ticket-dialog'), `after ${i + 1} presses`).toBe(true)
      visited.add(
        (await page.evaluate(
          `(() => { const a = document.activeElement; return (a?.tagName ?? '') + ':' + (a?.getAttribute('data-testid') ?? a?.textContent ?? '') })()`
        )) as string
      )
    }
    expect(visited.size, [...visited].join(', ')).toBeGreaterThanOrEqual(3)
    // Escape closes the ticket only, and focus goes back to its row.
    await page.keyboard.press('Escape')
    await expect(dialog).toBeHidden()
    await expect(row).toBeFocused()
    await page.keyboard.press('Escape')
    await expect(page.getByTestId('tickets-view')).toBeHidden()
    await expect(button).toBeFocused()
  })

  test('the pull-request view by keyboard alone: opened from the drawer, Tab stays inside', async ({
    page
  }) => {
    await ensurePull(host)
    await page.goto(host.url)
    await expect(page.getByTestId('branch-card').first()).toBeVisible()
    await page.locator('body').click()
    await page.keyboard.press('/')
    await page.keyboard.type('ORD-142')
    await page.keyboard.press('ArrowDown')
    await page.keyboard.press('Enter')
    const drawer = page.getByTestId('branch-drawer')
    await expect(drawer.locator('#drawer-title')).toHaveText(PULL_BRANCH)
    const viewPull = drawer.getByTestId('drawer-view-pull')
    await expect(viewPull).toBeVisible({ timeout: 30_000 })
    for (
      let i = 0;
      i < 20 && !(await viewPull.evaluate((e) => e === e.ownerDocument.activeElement));
      i++
    ) {
      await page.keyboard.press('Tab')
    }
    await expect(viewPull).toBeFocused()
    await page.keyboard.press('Enter')
    const view = page.getByTestId('pull-view')
    await expect(view.getByTestId('pull-checks')).toBeVisible({ timeout: 60_000 })
    expect(await focusIn(page, 'pull-view')).toBe(true)
    // Its controls (merge, approve, files, the comment box) are reachable, and Tab never
    // leaves the view.
    const reached = new Set<string>()
    for (let i = 0; i < 30; i++) {
      await page.keyboard.press('Tab')
      expect(await focusIn(page, 'pull-view'), `after ${i + 1} presses`).toBe(true)
      reached.add(
        (await page.evaluate(
          `document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName ?? ''`
        )) as string
      )
    }
    expect([...reached]).toEqual(expect.arrayContaining(['pull-merge', 'pull-approve', 'TEXTAREA']))
    await page.keyboard.press('Escape')
    await expect(view).toBeHidden()
    await expect(viewPull).toBeFocused()
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
        // Out of the panel: on the next control of the header, Present (past the end of the
        // page the browser itself takes focus, which is not what this test is about).
        await expect(page.getByTestId('present')).toBeFocused()
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
