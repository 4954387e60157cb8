import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { removeDir, tempDir } from '../testing/temp-dir'
import { APP_PAGE_URL, appProtocolHandler } from './app-protocol'

const CSP = "default-src 'self'"

describe('the app:// protocol', () => {
  let root: string
  let outside: string
  let handle: (r: Request) => Promise<Response>

  beforeAll(async () => {
    outside = await tempDir('slipway-outside-')
    root = join(outside, 'renderer')
    await mkdir(join(root, 'assets'), { recursive: true })
    await writeFile(join(root, 'index.html'), '<!doctype html><title>Slipway</title>')
    await writeFile(join(root, 'assets', 'main.js'), 'console.log(1)')
    await writeFile(join(outside, 'secret.txt'), 'secret')
    handle = appProtocolHandler(root, CSP)
  })
  afterAll(async () => {
    await removeDir(outside)
  })

  it('serves the page and its assets with their types and the CSP', async () => {
    const page = await handle(new Request(APP_PAGE_URL))
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(page.headers.get('content-security-policy')).toBe(CSP)
    expect(await page.text()).toContain('<title>Slipway</title>')
    const script = await handle(new Request('app://slipway/assets/main.js'))
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(await script.text()).toBe('console.log(1)')
  })

  it('serves nothing outside the renderer folder, from another host, or for writes', async () => {
    for (const url of [
      'app://slipway/../secret.txt',
      'app://slipway/%2e%2e/secret.txt',
      'app://slipway/..%2fsecret.txt',
      'app://slipway/assets/../../secret.txt',
      'app://other/index.html',
      'app://slipway/missing.js',
      'app://slipway/assets'
    ]) {
      const r = await handle(new Request(url))
      expect(r.status, url).toBe(404)
      expect(await r.text()).not.toContain('secret')
    }
    const post = await handle(new Request(APP_PAGE_URL, { method: 'POST', body: 'x' }))
    expect(post.status).toBe(405)
  })
})
