import { expect, test, type Page, type Response } from '@playwright/test'
import { rmSync } from 'node:fs'
import { makeBoardRepo } from '../src/main/testing/fixture-repos'
import { TestRepo } from '../src/main/testing/test-repo'
import { startServe, type ServeHost } from './serve-host'

// The board never asks what can only fail, and never gives advice that is false.

/** Every response of the page with an error status, as "STATUS path". */
function failures(page: Page): string[] {
  const failed: string[] = []
  page.on('response', (r: Response) => {
    if (r.status() >= 400) failed.push(`${r.status()} ${new URL(r.url()).pathname}`)
  })
  return failed
}

test.describe('a workspace without test.command', () => {
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

  test('makes no request that fails: no tests.* 400s, a favicon that exists', async ({ page }) => {
    const failed = failures(page)
    await page.goto(host.url)
    await expect(page.getByTestId('branch-card').first()).toBeVisible()
    await expect(page.getByTestId('tests-unconfigured')).toBeVisible()
    const icon = await page.locator('link[rel="icon"]').getAttribute('href')
    expect(icon).toBeTruthy()
    const favicon = await page.request.get(new URL(icon ?? '', page.url()).href)
    expect(favicon.status()).toBe(200)
    expect(favicon.headers()['content-type']).toContain('image/svg+xml')
    // Let the board settle (lanes read, the first refresh timers fire) before judging.
    await page.waitForTimeout(1500)
    expect(failed).toEqual([])
  })
})

test.describe('a workspace whose slipway.yml does not validate', () => {
  let host: ServeHost
  let repo: TestRepo
  test.beforeAll(async () => {
    const yml = [
      'project: orders',
      'test:',
      '  command: npm test',
      'environments:',
      '  - name: staging',
      '    hosts: nope',
      ''
    ].join('\n')
    repo = TestRepo.create({ prefix: 'slipway-e2e-badyml-', files: { 'slipway.yml': yml } })
    host = await startServe(repo.path)
  })
  test.afterAll(async () => {
    await host?.stop()
    rmSync(repo.path, { recursive: true, force: true })
  })

  test('the lanes say the file is invalid and where, not "no test.command"', async ({ page }) => {
    const failed = failures(page)
    await page.goto(host.url)
    await expect(page.getByTestId('config-problems')).toContainText(/slipway\.yml:\d+:\d+/)
    const main = page.getByTestId('lane-main')
    await expect(main.getByTestId('config-invalid-note')).toContainText(
      /Branches are not tested while slipway\.yml is invalid: slipway\.yml:\d+:\d+/
    )
    const envs = page.getByTestId('lane-env-none')
    await expect(envs.getByTestId('config-invalid-note')).toContainText(
      /Environments are not shown while slipway\.yml is invalid: slipway\.yml:\d+:\d+/
    )
    await expect(page.getByText('has no test.command')).toHaveCount(0)
    await expect(page.getByText('No environments are configured')).toHaveCount(0)
    expect(failed).toEqual([])
  })
})

test.describe('recent workspaces', () => {
  let host: ServeHost
  const repos: string[] = []
  test.beforeAll(async () => {
    host = await startServe()
    for (let i = 0; i < 5; i++) repos.push(makeBoardRepo())
  })
  test.afterAll(async () => {
    await host?.stop()
    for (const r of repos) rmSync(r, { recursive: true, force: true })
  })

  test('lists the five workspaces opened, newest first, and after a reload', async ({ page }) => {
    await page.goto(host.url)
    await expect(page.getByTestId('board')).toBeVisible()
    for (const path of repos) {
      await page.getByRole('button', { name: /switch workspace/i }).click()
      await page.getByTestId('workspace-path').fill(path)
      await page.getByTestId('workspace-path').press('Enter')
      await expect(page.getByTestId('workspace-picker')).toBeHidden()
      await expect(page.locator('.workspace-path')).toHaveText(path)
    }
    for (const reload of [false, true]) {
      if (reload) await page.reload()
      await page.getByRole('button', { name: /switch workspace/i }).click()
      const items = page.getByTestId('workspace-picker').locator('.recent-path')
      await expect(items).toHaveText([...repos].reverse())
      await page.getByRole('button', { name: /back to the board/i }).click()
    }
  })
})
