import { expect, test, type Page } from '@playwright/test'
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { commitFile, git } from '../src/main/testing/test-repo'
import { expectNoSeriousAxeViolation } from './axe-check'
import { startServe, type ServeHost } from './serve-host'

// The workspace picker's folder browser under serve, by keyboard: the server lists the folders
// of the user's home (HOME of serve: a temp folder here) and nothing outside it.

/** A git repository with one commit at `path`. */
function repoAt(path: string): void {
  mkdirSync(path, { recursive: true })
  git(path, 'init', '-q', '-b', 'main')
  commitFile(path, 'README.md', `# ${path}\n`, 'first')
}

/** Presses Tab until `testId` has focus (at most 40 presses). */
async function tabTo(page: Page, testId: string): Promise<void> {
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab')
    const at = await page.evaluate('document.activeElement?.getAttribute("data-testid")')
    if (at === testId) return
  }
  throw new Error(`Tab never reached ${testId}`)
}

test.describe('folder browser in the workspace picker (serve mode)', () => {
  let host: ServeHost
  let home: string
  let outside: string
  test.beforeAll(async () => {
    home = realpathSync(mkdtempSync(join(tmpdir(), 'slipway-e2e-home-')))
    outside = realpathSync(mkdtempSync(join(tmpdir(), 'slipway-e2e-outside-')))
    repoAt(join(home, 'src', 'orders'))
    repoAt(join(home, 'src', 'billing'))
    mkdirSync(join(home, 'src', 'notes'))
    mkdirSync(join(home, '.config', 'slipway'), { recursive: true })
    writeFileSync(join(home, 'todo.txt'), 'ship it\n')
    symlinkSync(outside, join(home, 'elsewhere'))
    host = await startServe(join(home, 'src', 'orders'), { viewer: true, env: { HOME: home } })
  })
  test.afterAll(async () => {
    await host?.stop()
    rmSync(home, { recursive: true, force: true })
    rmSync(outside, { recursive: true, force: true })
  })

  test('browses home by keyboard and opens a repository from it', async ({ page }, testInfo) => {
    test.setTimeout(120_000)
    await page.goto(host.url)
    await expect(page.getByTestId('board')).toBeVisible()
    await page.getByRole('button', { name: /switch workspace/i }).focus()
    await page.keyboard.press('Enter')
    await expect(page.getByTestId('workspace-picker')).toBeVisible()
    await tabTo(page, 'browse-folders')
    await page.keyboard.press('Enter')

    const browser = page.getByTestId('folder-browser')
    const list = browser.getByRole('listbox')
    await expect(list).toBeFocused()
    await expect(browser.getByTestId('folder-where')).toHaveText('~')
    // Folders only (not todo.txt), hidden ones left out, a link leading out of home not listed.
    const items = browser.getByTestId('folder-item')
    await expect(items).toHaveText(['src'])
    await expect(browser.getByTestId('folder-status')).toHaveText(
      '1 folder in ~, 1 hidden one not shown.'
    )
    await expect(page.getByTestId('workspace-path')).toHaveValue(join(home, 'src'))

    await page.keyboard.press('Enter')
    await expect(browser.getByTestId('folder-where')).toHaveText('~/src')
    await expect(items).toHaveText(['billinggit repository', 'notes', 'ordersgit repository'])
    await expect(items.nth(0)).toHaveAttribute('aria-selected', 'true')

    await expectNoSeriousAxeViolation(page)
    for (const colorScheme of ['light', 'dark'] as const) {
      for (const size of [
        { width: 1280, height: 720 },
        { width: 1920, height: 1080 }
      ]) {
        await page.emulateMedia({ colorScheme })
        await page.setViewportSize(size)
        await page.screenshot({
          path: testInfo.outputPath(`folders-src-${colorScheme}-${size.width}x${size.height}.png`)
        })
      }
    }

    // Backspace goes up with src highlighted; the hidden folders on request (Space on the box).
    await page.keyboard.press('Backspace')
    await expect(browser.getByTestId('folder-where')).toHaveText('~')
    await expect(items.nth(0)).toHaveAttribute('aria-selected', 'true')
    await tabTo(page, 'folder-show-hidden')
    await page.keyboard.press('Space')
    await expect(items).toHaveText(['.config', 'src'])
    // The list comes right after the toggle.
    await page.keyboard.press('Tab')
    await expect(list).toBeFocused()
    await expect(items.nth(1)).toHaveAttribute('aria-selected', 'true')

    // Into src again (→), Home to billing, then Enter on a repository opens it.
    await page.keyboard.press('ArrowRight')
    await expect(browser.getByTestId('folder-where')).toHaveText('~/src')
    await page.keyboard.press('Home')
    await page.keyboard.press('Enter')
    await expect(page.getByTestId('board')).toBeVisible({ timeout: 30_000 })
    await expect(page.getByRole('heading', { level: 1 })).toContainText('billing')
  })

  test('refuses folders outside home, links leading out and files; viewers may not list', async () => {
    const call = async (token: string, request: unknown) => {
      const res = await fetch(`${host.origin}/api/invoke/folders.list`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(request)
      })
      return { status: res.status, body: (await res.json()) as { ok: boolean; error?: unknown } }
    }
    const ok = await call(host.token, { path: 'src' })
    expect(ok.body.ok).toBe(true)
    expect((await call(host.token, { path: '..' })).body.error).toMatchObject({
      code: 'forbidden',
      message: `.. is outside your home folder (${home})`
    })
    expect((await call(host.token, { path: 'elsewhere' })).body.error).toMatchObject({
      code: 'forbidden',
      message: `elsewhere leads outside your home folder (to ${outside}), so it is not listed`
    })
    expect((await call(host.token, { path: 'todo.txt' })).body.error).toMatchObject({
      code: 'bad-request',
      message: 'todo.txt is a file, not a folder'
    })
    const viewerToken = new URL(host.viewerUrl ?? '').searchParams.get('token') ?? ''
    const refused = await call(viewerToken, {})
    expect(refused.status).toBe(403)
    expect(refused.body.error).toMatchObject({ code: 'forbidden' })
  })
})
