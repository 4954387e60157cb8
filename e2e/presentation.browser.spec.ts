import { expect, test, type Page } from '@playwright/test'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { stopDemoApp } from '../src/main/testing/deploy-support'
import { freePort } from '../src/main/testing/ports'
import { startServe, type ServeHost } from './serve-host'
import { trustOpenWorkspace } from './views'

async function invoke(host: ServeHost, method: string, request: unknown): Promise<unknown> {
  const res = await fetch(`${host.origin}/api/invoke/${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${host.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(request)
  })
  const body = (await res.json()) as { ok: boolean; value?: unknown; error?: unknown }
  expect(body.ok, JSON.stringify(body.error)).toBe(true)
  return body.value
}

/** What scrolls or overflows on the slide: the document or any of its boxes (empty: none). */
async function overflowing(page: Page): Promise<string[]> {
  // A string, evaluated in the page: e2e code is compiled without the DOM lib.
  return (await page.evaluate(`(() => {
    const out = []
    const doc = document.scrollingElement
    if (doc && doc.scrollHeight > window.innerHeight + 1) out.push('document')
    for (const el of document.querySelectorAll('.presentation, .present-column, .present-env, .present-card')) {
      if (el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1) {
        out.push((el.className + ' ' + (el.getAttribute('data-testid') || '')).trim())
      }
    }
    return out
  })()`)) as string[]
}

test.describe('presentation mode and the read-only viewer (serve --viewer)', () => {
  // The slide's screenshots want the release the first test deploys.
  test.describe.configure({ mode: 'serial' })
  let host: ServeHost
  let demo: string
  test.beforeAll(async () => {
    host = await startServe(undefined, { viewer: true })
    // The demo's fixed port (4301) may be in use here: give staging a free one, then reopen.
    demo = join(host.dataDir, 'demo', 'orders')
    const yml = join(demo, 'slipway.yml')
    const port = await freePort()
    writeFileSync(yml, readFileSync(yml, 'utf8').replace('port: 4301', `port: ${port}`))
    await invoke(host, 'workspace.open', { path: demo })
    // The port changed slipway.yml: trust its commands as the dialog would.
    await trustOpenWorkspace(host)
  })
  test.afterAll(async () => {
    if (demo) await stopDemoApp(join(demo, '.slipway', 'hosts', 'staging-1'))
    await host?.stop()
  })

  test('a viewer opens straight into the slide, sees a deployment live, changes nothing', async ({
    browser
  }) => {
    test.setTimeout(240_000)
    expect(host.viewerUrl).toBeTruthy()
    expect(host.viewerUrl).not.toContain(host.token)
    const room = await browser.newContext({ viewport: { width: 1920, height: 1080 } })
    const page = await room.newPage()
    await page.goto(host.viewerUrl ?? '')
    const slide = page.getByTestId('presentation')
    await expect(slide).toBeVisible()
    await expect(slide).toContainText('Read-only view')
    await expect(page.getByTestId('board')).toHaveCount(0)
    await expect(page.getByTestId('present-stage-branch')).toBeVisible()
    const staging = page.getByTestId('present-env-staging')
    await expect(staging).toContainText('nothing deployed', { timeout: 30_000 })
    // No button on the slide does anything to the project (a viewer has no Leave either).
    await expect(slide.getByRole('button')).toHaveCount(0)
    // The browser holds the viewer token only, and the server refuses it any change.
    const cookies = await room.cookies()
    expect(cookies.map((c) => c.value)).not.toContain(host.token)
    const refused = await page.evaluate(
      "fetch('/api/invoke/releases.create', { method: 'POST', body: '{}' }).then((r) => r.status)"
    )
    expect(refused).toBe(403)

    // Everything the deploy block shows while it runs, recorded as it changes.
    await page.evaluate(`(() => {
      const seen = (window.seen = [])
      new MutationObserver(() => {
        const block = document.querySelector('[data-testid="present-deploy-staging"]')
        const percent = block && block.querySelector('.present-percent')
        const text = block ? block.textContent + ' | ' + (percent ? percent.textContent : '') : ''
        if (block && seen.at(-1) !== text) seen.push(text)
      }).observe(document.body, { subtree: true, childList: true, characterData: true })
    })()`)
    // The presenter (full token) builds a release and deploys it.
    const release = (await invoke(host, 'releases.create', {})) as { id: string }
    await invoke(host, 'deployments.start', { release: release.id, environment: 'staging' })
    await expect(staging.locator('.present-release code')).toHaveText(release.id, {
      timeout: 120_000
    })
    await expect(staging).toContainText('healthy')
    const seen = (await page.evaluate('window.seen')) as string[]
    expect(seen.length).toBeGreaterThan(0)
    expect(seen.every((text) => text.includes(release.id))).toBe(true)
    // It was seen running, not only finished: some reading below 100%.
    expect(
      seen.some((text) => / \| \d{1,2}%$/.test(text)),
      seen.join('\n')
    ).toBe(true)
    await page.screenshot({ path: 'e2e/screenshots/presentation-viewer-1920x1080.png' })
    await room.close()
  })

  test('P opens presentation mode, Escape leaves; fits 1920x1080 and 1280x720, light and dark', async ({
    browser
  }) => {
    test.setTimeout(240_000)
    // The release staging runs, asked for production: a promotion waiting for its approval.
    const served = (await invoke(host, 'environments.status', { environment: 'staging' })) as {
      hosts: { release: string | null }[]
    }
    const release = served.hosts[0]?.release ?? ''
    const asked = (await invoke(host, 'promotions.promote', {
      release,
      environment: 'production'
    })) as { kind: string }
    expect(asked.kind).toBe('pending')
    // A stale lock left on production by a laptop that died, so the slide shows one.
    const since = new Date(Date.now() - 2 * 3_600_000).toISOString()
    const lockDir = join(demo, '.slipway', 'hosts', 'production-1', '.slipway')
    mkdirSync(lockDir, { recursive: true })
    writeFileSync(
      join(lockDir, 'lock'),
      JSON.stringify({
        holder: 'bo@desk',
        machine: 'desk',
        reason: 'ORD-150 discount codes',
        since,
        heartbeatAt: since,
        deployment: 'd-gone',
        environment: 'production'
      }) + '\n'
    )
    const shots = [1920, 1280].flatMap((width) =>
      (['light', 'dark'] as const).map((colorScheme) => ({ width, colorScheme }))
    )
    for (const { width, colorScheme } of shots) {
      const height = width === 1920 ? 1080 : 720
      const context = await browser.newContext({ viewport: { width, height }, colorScheme })
      const page = await context.newPage()
      await page.goto(host.url)
      await expect(page.getByTestId('board')).toBeVisible()
      await page.keyboard.press('p')
      const slide = page.getByTestId('presentation')
      await expect(slide).toBeVisible()
      await expect(page.getByTestId('board')).toHaveCount(0)
      await expect(
        page.getByTestId('present-env-staging').locator('.present-release code')
      ).toBeVisible({
        timeout: 30_000
      })
      await expect(page.getByTestId('present-env-production')).toContainText('bo@desk')
      await expect(page.getByTestId('present-approval-production')).toContainText(
        'awaits approval: 0 of 1 approval'
      )
      await expect(page.getByTestId('present-approval-production')).toContainText(release)
      // The tracker's titles (read once the slide opens) replace the commit subjects.
      await expect(slide).toContainText('Refund an order over HTTP', { timeout: 30_000 })
      await expect(page.getByTestId('present-card').first()).toBeVisible()
      expect(await overflowing(page)).toEqual([])
      await page.screenshot({
        path: `e2e/screenshots/presentation-${colorScheme}-${width}x${height}.png`
      })
      await page.keyboard.press('Escape')
      await expect(slide).toHaveCount(0)
      await expect(page.getByTestId('board')).toBeVisible()
      // The header button opens it too.
      await page.getByTestId('present').click()
      await expect(slide).toBeVisible()
      await context.close()
    }
    // The room sees the approval waiting too: promotions.list is open to viewers.
    const room = await browser.newContext({ viewport: { width: 1280, height: 720 } })
    const viewer = await room.newPage()
    await viewer.goto(host.viewerUrl ?? '')
    await expect(viewer.getByTestId('present-approval-production')).toContainText(
      'awaits approval: 0 of 1 approval',
      { timeout: 30_000 }
    )
    await room.close()
  })
})
