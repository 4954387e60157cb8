import AxeBuilder from '@axe-core/playwright'
import { expect, test, type Page } from '@playwright/test'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { TestRepo } from '../src/main/testing/test-repo'
import { startServe, type ServeHost } from './serve-host'

// Branches as GitHub Desktop users work with them, on a real repository: filter by author and
// subject, sort by activity, merged branches marked and pruned (only what is listed, undoable,
// a hostile name never read as an option), a merge conflict told from a failing test.

let host: ServeHost
let repo: TestRepo
const as = (name: string, email: string) => ({
  GIT_AUTHOR_NAME: name,
  GIT_AUTHOR_EMAIL: email,
  GIT_COMMITTER_NAME: name,
  GIT_COMMITTER_EMAIL: email
})

test.beforeAll(async () => {
  repo = TestRepo.create({
    prefix: 'slipway-branches-e2e-',
    files: {
      'slipway.yml': 'project: shop\nmainBranch: main\ntest: { command: sh check.sh }\n',
      'check.sh': 'test "$(cat verdict)" = pass\n',
      verdict: 'pass\n',
      'shared.txt': 'one\n'
    }
  })
  const at = (days: number): Record<string, string> => {
    const date = new Date(Date.UTC(2026, 10, days, 12)).toISOString()
    return { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date }
  }
  // A commit on the checked-out branch by someone, at some day.
  const commitAs = (msg: string, files: Record<string, string>, env: NodeJS.ProcessEnv): void => {
    for (const [path, text] of Object.entries(files)) writeFileSync(join(repo.path, path), text)
    repo.git(['add', '--all'])
    repo.git(['commit', '-q', '-m', msg], { env })
  }
  repo.git(['checkout', '-q', '-b', 'feature/ORD-1-done'])
  commitAs(
    'ORD-1 Refunds by card',
    { 'refund.txt': 'r\n' },
    { ...as('Ana Lima', 'ana@shop.test'), ...at(2) }
  )
  repo.git(['checkout', '-q', 'main'])
  repo.git(['merge', '-q', '--no-ff', '-m', 'Merge ORD-1', 'feature/ORD-1-done'], { env: at(3) })
  // A merged branch whose name git would read as an option.
  repo.git(['update-ref', 'refs/heads/--force', repo.sha('main')])
  repo.git(['checkout', '-q', '-b', 'feature/ORD-3-conflict'])
  commitAs(
    'ORD-3 Rename one',
    { 'shared.txt': 'uno\n' },
    { ...as('Ana Lima', 'ana@shop.test'), ...at(4) }
  )
  repo.git(['checkout', '-q', 'main'])
  commitAs('Main says eins', { 'shared.txt': 'eins\n' }, at(5))
  repo.git(['checkout', '-q', '-b', 'feature/ORD-2-cart'])
  commitAs(
    'ORD-2 Speed up the cart',
    { 'cart.txt': 'c\n' },
    { ...as('Ben Okafor', 'ben@shop.test'), ...at(6) }
  )
  repo.git(['checkout', '-q', '-b', 'feature/ORD-4-red', 'main'])
  commitAs(
    'ORD-4 Break the build',
    { verdict: 'fail\n' },
    { ...as('Ben Okafor', 'ben@shop.test'), ...at(8) }
  )
  repo.git(['checkout', '-q', 'main'])
  host = await startServe(repo.path)
})
test.afterAll(async () => {
  await host?.stop()
  repo?.remove()
})

const card = (page: Page, name: string) =>
  page.locator(`[data-testid="branch-card"][data-branch="${name}"]`)
const cardNames = (page: Page) =>
  page
    .getByTestId('branch-card')
    .evaluateAll((cards) => cards.map((c) => c.getAttribute('data-branch')))

test('filter, sort, merged marks, conflict versus failing test, and Prune with undo, by keyboard', async ({
  page
}) => {
  test.setTimeout(240_000)
  await page.goto(host.url)
  await expect(card(page, 'feature/ORD-2-cart')).toBeVisible({ timeout: 30_000 })
  const filter = page.getByTestId('branch-filter')

  // Filter by author, by subject, and both.
  await filter.focus()
  await page.keyboard.type('author:ben')
  await expect.poll(() => cardNames(page)).toEqual(['feature/ORD-2-cart', 'feature/ORD-4-red'])
  await page.keyboard.type(' subject:cart')
  await expect.poll(() => cardNames(page)).toEqual(['feature/ORD-2-cart'])
  await filter.fill('refunds')
  await expect.poll(() => cardNames(page)).toEqual(['feature/ORD-1-done'])
  await filter.fill('')

  // Recent first, by keyboard (a toggle): newest tip commit on top.
  const sort = page.getByTestId('branch-sort')
  await expect(sort).toHaveAttribute('aria-pressed', 'false')
  await sort.focus()
  await page.keyboard.press('Space')
  await expect(sort).toHaveAttribute('aria-pressed', 'true')
  await expect
    .poll(() => cardNames(page))
    .toEqual([
      'feature/ORD-4-red',
      'feature/ORD-2-cart',
      'feature/ORD-3-conflict',
      '--force',
      'feature/ORD-1-done'
    ])

  // Merged branches are marked in words.
  await expect(card(page, 'feature/ORD-1-done').getByTestId('merged-chip')).toHaveText('merged')
  await expect(card(page, '--force').getByTestId('merged-chip')).toHaveText('merged')
  await expect(card(page, 'feature/ORD-2-cart').getByTestId('merged-chip')).toHaveCount(0)

  // A merge that conflicts is not a failing test: its own word and icon on the card.
  const merge = (name: string) =>
    card(page, name).locator('[data-testid="test-status"][data-kind="merge"]')
  const tip = (name: string) =>
    card(page, name).locator('[data-testid="test-status"][data-kind="tip"]')
  await expect(merge('feature/ORD-3-conflict')).toHaveAttribute('data-conflict', 'true', {
    timeout: 120_000
  })
  await expect(merge('feature/ORD-3-conflict')).toHaveText('conflicts')
  await expect(tip('feature/ORD-3-conflict')).toHaveAttribute('data-status', 'passed')
  await expect(tip('feature/ORD-4-red')).toHaveAttribute('data-status', 'failed', {
    timeout: 120_000
  })
  await expect(merge('feature/ORD-4-red')).toHaveAttribute('data-status', 'failed', {
    timeout: 120_000
  })
  await expect(merge('feature/ORD-4-red')).not.toHaveAttribute('data-conflict', 'true')

  mkdirSync('e2e/screenshots', { recursive: true })
  const shots = async (what: string): Promise<void> => {
    for (const scheme of ['light', 'dark'] as const) {
      for (const [width, height] of [
        [1280, 720],
        [1920, 1080]
      ] as const) {
        await page.emulateMedia({ colorScheme: scheme })
        await page.setViewportSize({ width, height })
        await page.screenshot({
          path: `e2e/screenshots/branches-${what}-${scheme}-${width}x${height}.png`
        })
      }
    }
  }
  await shots('board')

  // Prune: exactly the merged local branches, by keyboard; only at the shas shown.
  const before = {
    done: repo.sha('feature/ORD-1-done'),
    force: repo.sha('refs/heads/--force'),
    main: repo.sha('main')
  }
  await page.getByTestId('prune-open').focus()
  await page.keyboard.press('Enter')
  const dialog = page.getByTestId('prune-dialog')
  const list = dialog.getByTestId('prune-list')
  await expect(list.locator('li')).toHaveCount(2)
  expect(
    await list.locator('li').evaluateAll((li) => li.map((l) => l.getAttribute('data-branch')))
  ).toEqual(['--force', 'feature/ORD-1-done'])
  await expect(list).toContainText(before.done.slice(0, 8))
  const axe = await new AxeBuilder({ page }).include('[data-testid="prune-dialog"]').analyze()
  expect(
    axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)
  ).toEqual([])
  await shots('prune')
  await dialog.getByTestId('prune-confirm').focus()
  await page.keyboard.press('Enter')
  await expect(dialog.getByTestId('prune-restore')).toHaveText(
    [
      `git branch -- '--force' ${before.force}`,
      `git branch -- 'feature/ORD-1-done' ${before.done}`
    ].join('\n')
  )
  const heads = () =>
    repo.git(['for-each-ref', '--format=%(refname:lstrip=2)', 'refs/heads/']).split('\n')
  expect(heads()).toEqual([
    'feature/ORD-2-cart',
    'feature/ORD-3-conflict',
    'feature/ORD-4-red',
    'main'
  ])
  expect(repo.sha('main')).toBe(before.main)
  await expect(card(page, 'feature/ORD-1-done')).toHaveCount(0)
  await shots('pruned')

  // Undo brings both back at the same commits.
  await expect(dialog.getByTestId('prune-undo')).toBeFocused()
  await page.keyboard.press('Enter')
  await expect(dialog.getByRole('status')).toHaveText(
    'Restored 2 branches at the commits they had.'
  )
  expect(repo.sha('refs/heads/--force')).toBe(before.force)
  expect(repo.sha('feature/ORD-1-done')).toBe(before.done)
  await page.keyboard.press('Escape')
  await expect(dialog).toHaveCount(0)
  await expect(card(page, 'feature/ORD-1-done')).toBeVisible()
})
