import AxeBuilder from '@axe-core/playwright'
import { expect, test } from '@playwright/test'
import { startServe, type ServeHost } from './serve-host'
import { prepareDemo, VIEWS } from './views'

// axe-core over every view of e2e/views.ts (the ones the screenshot gallery renders), in light
// and dark: no serious or critical violation. Each failure names the rule, its impact and the
// elements it found, so the fix is obvious from the report alone.

let host: ServeHost
test.beforeAll(async () => {
  host = await startServe()
  await prepareDemo(host)
})
test.afterAll(async () => {
  await host?.stop()
})

for (const colorScheme of ['light', 'dark'] as const) {
  test.describe(`accessibility (${colorScheme})`, () => {
    test.use({ colorScheme, viewport: { width: 1280, height: 720 } })
    for (const view of VIEWS) {
      test(`${view.name}: no serious or critical axe violation`, async ({ page }) => {
        test.setTimeout(120_000)
        await view.open(page, host)
        await page.mouse.move(0, 0)
        const results = await new AxeBuilder({ page })
          .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
          .analyze()
        const serious = results.violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map((v) => ({
            rule: v.id,
            impact: v.impact,
            help: v.help,
            nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')}: ${n.failureSummary}`)
          }))
        expect(serious, JSON.stringify(serious, null, 2)).toEqual([])
      })
    }
  })
}
