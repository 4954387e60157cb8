import { expect, test } from '@playwright/test'
import { mkdirSync, rmSync } from 'node:fs'
import { makeBoardRepo } from '../src/main/testing/fixture-repos'
import { startServe, type ServeHost } from './serve-host'

interface ListedBranch {
  name: string
  ahead: number
  behind: number
  tickets: string[]
  isMain: boolean
  kind: 'local' | 'remote'
}

async function listBranches(host: ServeHost): Promise<ListedBranch[]> {
  const res = await fetch(`${host.origin}/api/invoke/branches.list`, {
    method: 'POST',
    headers: { authorization: `Bearer ${host.token}`, 'content-type': 'application/json' },
    body: '{}'
  })
  expect(res.status).toBe(200)
  const body = (await res.json()) as { ok: boolean; value: { branches: ListedBranch[] } }
  expect(body.ok).toBe(true)
  return body.value.branches
}

test.describe('serve mode on the demo workspace', () => {
  let host: ServeHost
  test.beforeAll(async () => {
    host = await startServe()
  })
  test.afterAll(async () => {
    await host?.stop()
  })

  test('the API refuses requests without the right token', async () => {
    const url = `${host.origin}/api/invoke/branches.list`
    const none = await fetch(url, { method: 'POST', body: '{}' })
    expect(none.status).toBe(401)
    const wrong = await fetch(url, {
      method: 'POST',
      headers: { authorization: 'Bearer not-the-token' },
      body: '{}'
    })
    expect(wrong.status).toBe(401)
    const body = (await wrong.json()) as { ok: boolean; error: { code: string } }
    expect(body).toMatchObject({ ok: false, error: { code: 'unauthorized' } })
  })

  test('the board shows every demo branch with ahead/behind and ticket keys', async ({ page }) => {
    // The demo's origin holds the same branches: each is one card (its remote twin is hidden).
    const branches = (await listBranches(host)).filter((b) => !b.isMain && b.kind === 'local')
    expect(branches.length).toBeGreaterThanOrEqual(4)
    expect(branches.some((b) => b.behind > 0)).toBe(true)

    await page.goto(host.url)
    await expect(page.getByTestId('board')).toBeVisible()
    await expect(page.getByTestId('lane-main')).toBeVisible()
    await expect(page.getByTestId('lane-env-staging')).toBeVisible()
    await expect(page.getByTestId('lane-env-production')).toBeVisible()
    // serve took the token for a session cookie and redirected it out of the address bar.
    expect(page.url()).not.toContain('token=')

    for (const branch of branches) {
      const card = page.locator(`[data-testid="branch-card"][data-branch="${branch.name}"]`)
      await expect(card).toBeVisible()
      await expect(card.getByTestId('branch-ahead')).toContainText(String(branch.ahead))
      await expect(card.getByTestId('branch-behind')).toContainText(String(branch.behind))
      for (const ticket of branch.tickets) {
        await expect(
          card.getByTestId('ticket-chip').filter({ hasText: ticket }).first()
        ).toBeVisible()
      }
    }
    mkdirSync('e2e/screenshots', { recursive: true })
    await page.screenshot({ path: 'e2e/screenshots/board-demo.png', fullPage: true })
  })

  test('keyboard: / filters by ticket, arrows move, Enter opens the drawer', async ({ page }) => {
    const branches = (await listBranches(host)).filter((b) => !b.isMain && b.tickets.length > 0)
    const target = branches[0]
    await page.goto(host.url)
    await expect(page.getByTestId('board')).toBeVisible()
    await page.locator('body').click()
    await page.keyboard.press('/')
    await expect(page.getByTestId('branch-filter')).toBeFocused()
    await page.keyboard.type(target.tickets[0])
    await expect(
      page.locator(`[data-testid="branch-card"][data-branch="${target.name}"]`)
    ).toBeVisible()
    const shown = await page.getByTestId('branch-card').count()
    expect(shown).toBeLessThan(branches.length + 1)
    await page.keyboard.press('ArrowDown')
    await page.keyboard.press('Enter')
    const drawer = page.getByTestId('branch-drawer')
    await expect(drawer).toBeVisible()
    await expect(drawer).toContainText(target.tickets[0])
    await page.screenshot({ path: 'e2e/screenshots/drawer-demo.png' })
    await page.keyboard.press('Escape')
    await expect(drawer).toBeHidden()
  })
})

test.describe('serve mode on a real repository', () => {
  let host: ServeHost
  let repo: string
  test.beforeAll(async () => {
    repo = makeBoardRepo()
    host = await startServe(repo)
  })
  test.afterAll(async () => {
    await host?.stop()
    rmSync(repo, { recursive: true, force: true })
  })

  test('shows its branches with counts git agrees with', async ({ page }) => {
    await page.goto(host.url)
    const feature = page.locator('[data-testid="branch-card"][data-branch="feature/PAY-7-retry"]')
    await expect(feature).toBeVisible()
    await expect(feature.getByTestId('branch-ahead')).toContainText('2')
    await expect(feature.getByTestId('branch-behind')).toContainText('3')
    await expect(
      feature.getByTestId('ticket-chip').filter({ hasText: 'PAY-7' }).first()
    ).toBeVisible()
    const odd = page.locator('[data-testid="branch-card"][data-branch="x;$(id)"]')
    await expect(odd).toBeVisible()
    await expect(odd.getByTestId('branch-ahead')).toContainText('1')
    await expect(odd.getByTestId('branch-behind')).toContainText('0')
    await page.screenshot({ path: 'e2e/screenshots/board-repo.png', fullPage: true })
  })

  test('the picker explains a folder that is not a repository', async ({ page }) => {
    await page.goto(host.url)
    await expect(page.getByTestId('board')).toBeVisible()
    await page
      .getByRole('button', { name: /switch workspace|open workspace|workspaces/i })
      .first()
      .click()
    const picker = page.getByTestId('workspace-picker')
    await expect(picker).toBeVisible()
    await picker.getByRole('textbox').first().fill('/definitely/not/here')
    await picker.getByRole('textbox').first().press('Enter')
    await expect(picker).toContainText(/does not exist|not a git repository/i)
  })
})
