// `npm run screenshots`: every view in light and dark at three sizes, into screenshots/.
// Runs the built app through `slipway serve` in Debian's Chromium, like the e2e suite.
import { chromium } from '@playwright/test'
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { startServe } from './serve-host'
import { prepareDemo, VIEWS } from './views'

const SIZES = [
  { width: 1280, height: 720 },
  { width: 1440, height: 900 },
  { width: 1920, height: 1080 }
] as const
const SCHEMES = ['light', 'dark'] as const

async function main(): Promise<void> {
  const out = resolve(process.argv[2] ?? 'screenshots')
  const only = process.argv[3] ? new RegExp(process.argv[3]) : null
  mkdirSync(out, { recursive: true })
  const host = await startServe()
  const browser = await chromium.launch({
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking']
  })
  try {
    await prepareDemo(host)
    let count = 0
    for (const view of VIEWS) {
      if (only && !only.test(view.name)) continue
      for (const colorScheme of SCHEMES) {
        for (const size of SIZES) {
          const page = await browser.newPage({ viewport: size, colorScheme })
          try {
            await view.open(page, host)
            await page.mouse.move(0, 0)
            const file = join(out, `${view.name}-${colorScheme}-${size.width}x${size.height}.png`)
            await page.screenshot({ path: file })
            count++
          } catch (e) {
            console.error(`${view.name} ${colorScheme} ${size.width}: ${(e as Error).message}`)
            process.exitCode = 1
          } finally {
            await page.close()
          }
        }
      }
    }
    console.log(`${count} screenshots in ${out}`)
  } finally {
    await browser.close()
    await host.stop()
  }
}

void main()
