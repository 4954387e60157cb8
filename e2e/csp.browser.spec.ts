// The renderer runs under its own Content-Security-Policy (the <meta> in index.html, which also
// holds in the desktop window) without a single violation: no inline styles or scripts, so
// style-src needs no 'unsafe-inline'. Walks the board, a branch drawer and the test queue.
import { expect, test } from '@playwright/test'
import { startServe, type ServeHost } from './serve-host'

let host: ServeHost

test.beforeAll(async () => {
  host = await startServe()
})
test.afterAll(async () => {
  await host?.stop()
})

test('the app shows no CSP violation while it is used', async ({ page }) => {
  const violations: string[] = []
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text())
  })
  await page.exposeFunction('reportViolation', (v: string) => violations.push(v))
  await page.addInitScript(() => {
    type ViolationEvent = { violatedDirective: string; blockedURI: string; lineNumber: number }
    const g = globalThis as unknown as {
      document: { addEventListener(t: string, l: (e: ViolationEvent) => void): void }
      reportViolation(v: string): void
    }
    g.document.addEventListener('securitypolicyviolation', (e) =>
      g.reportViolation(`${e.violatedDirective} ${e.blockedURI} line ${e.lineNumber}`)
    )
  })
  await page.goto(host.url)
  await expect(page.getByTestId('board')).toBeVisible({ timeout: 30_000 })
  const meta = await page
    .locator('meta[http-equiv="Content-Security-Policy"]')
    .getAttribute('content')
  expect(meta).toContain("style-src 'self';")
  expect(meta).not.toContain('unsafe-inline')
  // A branch drawer and the test queue: the views with the most dynamic styling (status
  // colours, progress, virtualized rows).
  await page.getByTestId('branch-card').first().click()
  const drawer = page.getByTestId('branch-drawer')
  await expect(drawer).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(drawer).toBeHidden()
  await page
    .getByRole('button', { name: /test queue/i })
    .first()
    .click()
  await expect(page.locator('#queue-panel-title')).toBeVisible()
  // The check itself reports: a page with an inline style attribute gets a violation.
  await page.evaluate(() => {
    type El = { innerHTML: string }
    const d = (
      globalThis as unknown as {
        document: { createElement(t: string): El; body: { append(e: El): void } }
      }
    ).document
    const probe = d.createElement('div')
    probe.innerHTML = '<span style="color: red">probe</span>'
    d.body.append(probe)
  })
  await expect.poll(() => violations.length).toBe(1)
  expect(violations[0]).toContain('style-src')
  violations.shift()
  expect(violations).toEqual([])
})
