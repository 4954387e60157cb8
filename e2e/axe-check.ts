import AxeBuilder from '@axe-core/playwright'
import { expect, type Page } from '@playwright/test'

/**
 * axe-core over the page as it is now, in light and in dark: no serious or critical violation
 * (the rules e2e/a11y.browser.spec.ts applies to every gallery view). For states the gallery
 * cannot reach, like a promotion waiting for approval or a change ticket with its outcome.
 */
export async function expectNoSeriousAxeViolation(page: Page): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme })
    const results = await new AxeBuilder({ page })
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
      .analyze()
    const serious = results.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({
        colorScheme,
        rule: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')}: ${n.failureSummary}`)
      }))
    expect(serious, JSON.stringify(serious, null, 2)).toEqual([])
  }
  await page.emulateMedia({ colorScheme: 'light' })
}
