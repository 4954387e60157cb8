import { defineConfig } from '@playwright/test'

// Debian's Chromium, never a downloaded browser (this machine has no internet). Run as root it
// needs --no-sandbox; the background-networking flags stop it dialling out into a closed network.
const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync'
]

export default defineConfig({
  testDir: 'e2e',
  // Builds a stale out/ first; fails the run when a process a spec started outlives it.
  globalSetup: './e2e/global-setup.ts',
  globalTeardown: './e2e/global-teardown.ts',
  outputDir: 'test-results',
  timeout: 60_000,
  workers: 1,
  reporter: [['list']],
  use: {
    headless: true,
    screenshot: 'only-on-failure',
    trace: 'off'
  },
  projects: [
    {
      name: 'browser',
      testMatch: /.*\.browser\.spec\.ts/,
      use: {
        browserName: 'chromium',
        viewport: { width: 1440, height: 900 },
        launchOptions: {
          executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
          args: chromiumArgs
        }
      }
    },
    { name: 'electron', testMatch: /.*\.electron\.spec\.ts/ }
  ]
})
