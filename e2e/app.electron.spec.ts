import { _electron as electron, expect, test } from '@playwright/test'
import { electronBinary } from '../scripts/electron-binary.mjs'

const binary = electronBinary()
const SKIP_REASON =
  'no Electron binary here (npm start downloads it; ELECTRON_OVERRIDE_DIST_PATH points at one); ' +
  'the same renderer and API are covered by the browser project against `slipway serve`, ' +
  'and the launch path by scripts/start.test.ts with a stand-in binary.'

test.describe('Electron desktop app', () => {
  test.skip(binary === null, SKIP_REASON)
  if (binary === null) console.log(`[electron e2e] skipped: ${SKIP_REASON}`)

  test('opens the demo board with context isolation and no Node in the page', async () => {
    const app = await electron.launch({
      executablePath: binary ?? undefined,
      args: ['.'],
      env: { ...process.env, SLIPWAY_DATA_DIR: '' }
    })
    try {
      const page = await app.firstWindow()
      await expect(page.getByTestId('board')).toBeVisible({ timeout: 30_000 })
      const leaks = await page.evaluate(() => ({
        require: typeof (globalThis as { require?: unknown }).require,
        process: typeof (globalThis as { process?: unknown }).process,
        bridge: Object.keys((globalThis as { slipway?: object }).slipway ?? {}).sort()
      }))
      expect(leaks).toEqual({
        require: 'undefined',
        process: 'undefined',
        bridge: ['invoke', 'onEvent']
      })
    } finally {
      await app.close()
    }
  })
})
