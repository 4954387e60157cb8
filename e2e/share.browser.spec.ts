import { expect, test } from '@playwright/test'
import { startServe, type ServeHost } from './serve-host'

test.describe('Share read-only… from the app', () => {
  let host: ServeHost
  test.beforeAll(async () => {
    host = await startServe()
  })
  test.afterAll(async () => {
    await host?.stop()
  })

  test('the header shares a viewer link the room opens live; Stop ends it', async ({ browser }) => {
    test.setTimeout(120_000)
    const app = await browser.newContext({ viewport: { width: 1280, height: 720 } })
    const page = await app.newPage()
    await page.goto(host.url)
    await expect(page.getByTestId('board')).toBeVisible()
    // Keyboard: focus the header button and press Enter.
    await page.getByTestId('share-read-only').focus()
    await page.keyboard.press('Enter')
    const dialog = page.getByTestId('share-dialog')
    await expect(dialog).toBeVisible()
    await expect(page.getByTestId('share-url')).toHaveCount(0)
    await page.getByTestId('share-start').click()
    const urlBox = page.getByTestId('share-url')
    await expect(urlBox).toBeVisible()
    const url = await urlBox.inputValue()
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{43}$/)
    expect(url).not.toContain(host.token)
    expect(new URL(url).port).not.toBe(new URL(host.url).port)
    await expect(page.getByTestId('share-read-only')).toHaveAttribute(
      'aria-label',
      'Sharing read-only'
    )
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme })
      // Buttons fade their background for 80 ms: let it end before the picture.
      await page.waitForTimeout(400)
      await page.screenshot({ path: `e2e/screenshots/share-dialog-${scheme}-1280x720.png` })
    }

    // The room: another browser opens the link and gets presentation mode only.
    const room = await browser.newContext({ viewport: { width: 1280, height: 720 } })
    const viewer = await room.newPage()
    await viewer.goto(url)
    const slide = viewer.getByTestId('presentation')
    await expect(slide).toBeVisible()
    await expect(slide).toContainText('Read-only view')
    await expect(viewer.getByTestId('board')).toHaveCount(0)
    await expect(slide.getByRole('button')).toHaveCount(0)
    const refused = await viewer.evaluate(
      "Promise.all(['releases.create', 'viewer.stop', 'viewer.current'].map((m) => fetch('/api/invoke/' + m, { method: 'POST', body: '{}' }).then((r) => r.status)))"
    )
    expect(refused).toEqual([403, 403, 403])
    const reads = await viewer.evaluate(
      "fetch('/api/invoke/branches.list', { method: 'POST', body: '{}' }).then((r) => r.status)"
    )
    expect(reads).toBe(200)

    // Closing and reopening the dialog shows the same link; Stop ends it for the room.
    await page.keyboard.press('Escape')
    await expect(dialog).toHaveCount(0)
    await page.getByTestId('share-read-only').click()
    await expect(page.getByTestId('share-url')).toHaveValue(url)
    await page.getByTestId('share-stop').click()
    await expect(page.getByTestId('share-url')).toHaveCount(0)
    await expect(page.getByTestId('share-start')).toBeVisible()
    await expect(page.getByTestId('share-read-only')).toHaveAttribute(
      'aria-label',
      'Share read-only…'
    )
    await expect(viewer.goto(url)).rejects.toThrow()
    await room.close()
    await app.close()
  })
})
