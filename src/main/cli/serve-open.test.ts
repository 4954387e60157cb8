import { chmod, readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeSampleRepo } from '../testing/fixture-repos'
import { startServeProcess, type ServeProcess } from '../testing/serve-process'
import { removeDir, tempDir } from '../testing/temp-dir'

/** Every process's command line, as any local user can read it. */
async function allCommandLines(): Promise<string[]> {
  const lines: string[] = []
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue
    const text = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')
    if (text) lines.push(text.split('\0').join(' '))
  }
  return lines
}

async function waitFor<T>(read: () => Promise<T | null>, ms = 20_000): Promise<T> {
  const until = Date.now() + ms
  for (;;) {
    const value = await read()
    if (value !== null) return value
    if (Date.now() > until) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 50))
  }
}

// Security review finding 2: `--open` ran `xdg-open http://127.0.0.1:PORT/?token=…`, and any
// local user read the token from /proc/PID/cmdline.
describe('serve --open', () => {
  let repo: string
  let dataDir: string
  let bin: string
  let serve: ServeProcess
  let opened: { args: string; pid: number }

  beforeAll(async () => {
    repo = makeSampleRepo()
    dataDir = await tempDir('slipway-open-data-')
    bin = await tempDir('slipway-open-bin-')
    // The "browser opener": records what it was given and stays alive with its arguments, as
    // a browser would,
    // while the test reads every command line on the machine.
    const record = join(bin, 'opened')
    await writeFile(
      join(bin, 'xdg-open'),
      `#!/bin/sh\nprintf '%s\\n%s\\n' "$$" "$*" > ${record}.tmp && mv ${record}.tmp ${record}\nsleep 30\n`
    )
    await chmod(join(bin, 'xdg-open'), 0o755)
    serve = await startServeProcess(['--workspace', repo, '--open'], {
      cwd: repo,
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, SLIPWAY_DATA_DIR: dataDir }
    })
    opened = await waitFor(async () => {
      const text = await readFile(record, 'utf8').catch(() => null)
      if (!text) return null
      const [pid, args] = text.split('\n')
      return { pid: Number(pid), args: args ?? '' }
    })
  })
  afterAll(async () => {
    if (opened?.pid) {
      try {
        // serve spawned the opener detached: it leads its own process group.
        process.kill(-opened.pid, 'SIGKILL')
      } catch {
        // already gone
      }
    }
    await serve?.stop()
    await Promise.all([repo, dataDir, bin].map(removeDir))
  })

  it('puts no usable token on any command line while the browser opens', async () => {
    const lines = await allCommandLines()
    expect(lines.some((l) => l.includes('xdg-open'))).toBe(true)
    expect(lines.filter((l) => l.includes(serve.token))).toEqual([])
    expect(lines.filter((l) => /[?&](token|once)=/.test(l))).toEqual([])
    // Whatever looks like a secret on any command line is tried against the server.
    const candidates = new Set(lines.flatMap((l) => l.match(/[A-Za-z0-9_-]{20,}/g) ?? []))
    for (const candidate of candidates) {
      const res = await fetch(`${serve.origin}/api/invoke/app.info`, {
        method: 'POST',
        headers: { authorization: `Bearer ${candidate}` }
      })
      expect(res.status, candidate).toBe(401)
      const page = await fetch(`${serve.origin}/?once=${candidate}`, { redirect: 'manual' })
      expect(page.status, candidate).toBe(401)
    }
  })

  it('hands the browser a private file whose one-time link signs it in once', async () => {
    const file = opened.args
    expect(file.startsWith(dataDir)).toBe(true)
    expect((await stat(file)).mode & 0o777).toBe(0o600)
    const html = await readFile(file, 'utf8')
    const link = /url=(http:\/\/127\.0\.0\.1:\d+\/\?once=[\w-]+)"/.exec(html)?.[1]
    expect(link).toBeDefined()
    const first = await fetch(link as string, { redirect: 'manual' })
    expect(first.status).toBe(303)
    expect(first.headers.get('location')).toBe('/')
    const cookie = first.headers.get('set-cookie') ?? ''
    expect(cookie).toMatch(/HttpOnly/)
    expect(cookie).toMatch(/SameSite=Strict/)
    const session = cookie.split(';')[0] ?? ''
    const api = await fetch(`${serve.origin}/api/invoke/workspace.current`, {
      method: 'POST',
      headers: { cookie: session, origin: serve.origin, 'content-type': 'application/json' },
      body: '{}'
    })
    expect(api.status).toBe(200)
    const again = await fetch(link as string, { redirect: 'manual' })
    expect(again.status).toBe(401)
  })

  it('keeps the printed URL usable for the user who started serve', async () => {
    const page = await fetch(serve.url, { redirect: 'manual' })
    expect(page.status).toBe(303)
    expect(page.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Strict/)
    const again = await fetch(serve.url, { redirect: 'manual' })
    expect(again.status).toBe(303)
  })
})
