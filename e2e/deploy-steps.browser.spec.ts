import { expect, test, type Locator, type Page } from '@playwright/test'
import { mkdirSync, readFileSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { join } from 'node:path'
import { freePort } from '../src/main/testing/ports'
import { TestRepo } from '../src/main/testing/test-repo'
import { expectNoSeriousAxeViolation } from './axe-check'
import { startServe, type ServeHost } from './serve-host'
import { invoke } from './views'

// Steps you can read: the progress dialog's chips (done, running, failed, skipped, to do, rolled
// back; icon and outline per state), the health wait counting down to the deadline the server
// sent, a failed health check in red with its last answer, a rollback's upload shown skipped.
// Everything by keyboard, on one local host whose health URL is a real HTTP server.

const SHOTS = process.env.SLIPWAY_STEP_SHOTS ?? 'e2e/screenshots'

/** The health endpoint: proves the release `current` holds, or answers 503 for the bad one. */
function healthServer(hostDir: string, state: { bad: string | null }): Server {
  return createServer((_req, res) => {
    let release = ''
    try {
      release = readFileSync(join(hostDir, 'current', 'RELEASE'), 'utf8')
    } catch {
      // nothing deployed yet
    }
    if (release !== '' && release === state.bad) {
      res.writeHead(503, { 'content-type': 'text/plain' })
      res.end('database not ready')
      return
    }
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ status: 'ok', release }))
  })
}

async function press(page: Page, target: Locator): Promise<void> {
  await target.focus()
  await page.keyboard.press('Enter')
}

/** The chip of one step on web-1. */
const chip = (page: Page, step: string): Locator =>
  page.getByTestId('progress-web-1').locator(`li[data-step="${step}"]`)

async function shoot(page: Page, name: string): Promise<void> {
  for (const [w, h] of [
    [1280, 720],
    [1920, 1080]
  ] as const) {
    for (const scheme of ['light', 'dark'] as const) {
      await page.setViewportSize({ width: w, height: h })
      await page.emulateMedia({ colorScheme: scheme })
      await page.screenshot({ path: `${SHOTS}/${name}-${scheme}-${w}x${h}.png` })
    }
  }
  await page.emulateMedia({ colorScheme: 'light' })
  await page.setViewportSize({ width: 1280, height: 720 })
}

test.describe('deploy step chips (serve mode, keyboard)', () => {
  let host: ServeHost
  let repo: TestRepo
  let server: Server
  let healthPort: number
  const health: { bad: string | null } = { bad: null }

  test.beforeAll(async () => {
    healthPort = await freePort()
    repo = TestRepo.create({
      prefix: 'slipway-e2e-steps-',
      files: {
        'slipway.yml': [
          'build:',
          `  command: mkdir -p out && printf '%s' "$SLIPWAY_RELEASE" > out/RELEASE`,
          '  artifact: out',
          'environments:',
          '  - name: staging',
          '    hosts:',
          '      - { local: .slipway/hosts/web-1, name: web-1 }',
          `    healthCheck: { url: 'http://127.0.0.1:${healthPort}/health', timeoutSeconds: 8 }`,
          ''
        ].join('\n'),
        '.gitignore': '.slipway/\n'
      }
    })
    const hostDir = join(repo.path, '.slipway', 'hosts', 'web-1')
    mkdirSync(hostDir, { recursive: true })
    server = healthServer(hostDir, health)
    await new Promise<void>((r) => server.listen(healthPort, '127.0.0.1', r))
    host = await startServe(repo.path)
  })
  test.afterAll(async () => {
    await host?.stop()
    await new Promise((r) => server?.close(r))
    if (repo) rmSync(repo.path, { recursive: true, force: true })
  })

  test('chips per state, a rollback skips the upload, a failed health check counts down then shows its last answer', async ({
    page
  }) => {
    test.setTimeout(240_000)
    await page.setViewportSize({ width: 1280, height: 720 })
    await page.goto(host.url)
    const lane = page.getByTestId('lane-env-staging')
    await expect(lane.getByTestId('host-release')).toContainText('nothing deployed')
    const progress = page.getByTestId('deploy-progress')
    const status = page.getByTestId('deploy-status')

    const deploy = async (): Promise<void> => {
      await press(page, page.getByTestId('deploy-staging'))
      await expect(page.getByTestId('deploy-dialog')).toBeVisible()
      await expect(page.getByTestId('deploy-start')).toBeEnabled({ timeout: 30_000 })
      await press(page, page.getByTestId('deploy-start'))
      await expect(progress).toBeVisible()
    }
    const close = async (): Promise<void> => {
      await press(page, page.getByTestId('deploy-close'))
      await expect(progress).toBeHidden()
    }

    // 1. A first release, healthy: every step done, no hook configured so that one skipped.
    const r1 = (await invoke(host, 'releases.create', {})) as { id: string }
    await deploy()
    await expect(status).toHaveAttribute('data-status', 'succeeded', { timeout: 60_000 })
    for (const step of ['preflight', 'lock', 'upload', 'unpack', 'activate', 'health'])
      await expect(chip(page, step), step).toHaveAttribute('data-state', 'done')
    await expect(chip(page, 'hook')).toHaveAttribute('data-state', 'skipped')
    await expect(chip(page, 'hook')).toHaveAttribute('title', 'no afterActivate hook configured')
    await expect(chip(page, 'upload')).toHaveText('upload: done')
    await close()

    // 2. A second release, then roll back: nothing is uploaded, and the chips say so.
    const r2 = (await invoke(host, 'releases.create', {})) as { id: string }
    await deploy()
    await expect(status).toHaveAttribute('data-status', 'succeeded', { timeout: 60_000 })
    await close()
    await expect(lane.getByTestId('host-release')).toHaveText(r2.id)
    await expect(page.getByTestId('rollback-staging')).toBeEnabled()
    await press(page, page.getByTestId('rollback-staging'))
    await expect(page.getByTestId('rollback-target')).toHaveText(r1.id)
    await press(page, page.getByTestId('rollback-confirm'))
    await expect(status).toHaveAttribute('data-status', 'succeeded', { timeout: 60_000 })
    for (const step of ['upload', 'unpack']) {
      await expect(chip(page, step)).toHaveAttribute('data-state', 'skipped')
      await expect(chip(page, step)).toHaveAttribute(
        'title',
        `a rollback sends nothing: ${r1.id} is already on the host`
      )
    }
    await expect(chip(page, 'upload')).toHaveText('upload: skipped')
    await expect(chip(page, 'activate')).toHaveAttribute('data-state', 'done')
    await shoot(page, 'steps-rollback-skipped')
    await close()

    // 3. The app's database is down: the health wait counts down to the server's deadline...
    health.bad = r2.id
    await expect(lane.getByTestId('host-release')).toHaveText(r1.id)
    await deploy()
    const healthChip = chip(page, 'health')
    await expect(healthChip).toHaveAttribute('data-state', 'running', { timeout: 30_000 })
    const countdown = healthChip.getByTestId('health-countdown')
    await expect(countdown).toHaveText(/^\d s left$/)
    const first = Number((await countdown.textContent())?.split(' ')[0])
    expect(first).toBeLessThanOrEqual(8)
    await expect(countdown).not.toHaveText(`${first} s left`, { timeout: 5_000 })
    await expect(page.getByTestId('progress-web-1')).toContainText(
      `last answer: http://127.0.0.1:${healthPort}/health answered 503: "database not ready"`
    )
    await page.screenshot({ path: `${SHOTS}/steps-health-countdown-light-1280x720.png` })
    await expectNoSeriousAxeViolation(page)

    // ...then gives up: health failed in red with its last answer, the host switched back (and
    // healthy again on the release before).
    await expect(status).toHaveAttribute('data-status', 'rolled-back', { timeout: 60_000 })
    await expect(healthChip).toHaveText('health: failed')
    await expect(healthChip.getByTestId('health-countdown')).toHaveCount(0)
    await expect(chip(page, 'rollback')).toHaveAttribute('data-state', 'rolled-back')
    await expect(progress.getByTestId('step-failure-health')).toHaveText(
      `health failed, last answer: http://127.0.0.1:${healthPort}/health answered 503: "database not ready" (gave up after 8 s (healthCheck.timeoutSeconds))`
    )
    const red = await progress.getByTestId('step-failure-health').evaluate(
      (el) =>
        (
          el as unknown as {
            ownerDocument: { defaultView: { getComputedStyle(e: unknown): { color: string } } }
          }
        ).ownerDocument.defaultView.getComputedStyle(el).color
    )
    expect(red).toMatch(/^rgb\((1[5-9]\d|2\d\d), /)
    await expect(page.getByTestId('progress-web-1')).toContainText(`back on ${r1.id}`)
    await expectNoSeriousAxeViolation(page)
    await shoot(page, 'steps-health-failed')
    expect(r2.id).not.toBe(r1.id)
    await close()
    await expect(lane.getByTestId('host-release')).toHaveText(r1.id)
  })
})
