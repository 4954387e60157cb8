// `npm start` gets the Electron binary the way the electron package expects (its install.js,
// from ELECTRON_MIRROR) and launches it on the app; when it cannot, it falls back to serve
// mode with the true reason. A loopback mirror serves a stand-in "electron" that records its
// arguments, so the whole path runs without the internet.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  fakeOpener,
  npmStart,
  scratchProject,
  startElectronMirror,
  startSilentMirror,
  STANDIN_ELECTRON,
  type Mirror,
  type StartRun
} from '../src/main/testing/electron-mirror'
import { freePort } from '../src/main/testing/ports'
import { removeDir, tempDir } from '../src/main/testing/temp-dir'

const VERSION = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', 'node_modules', 'electron', 'package.json'), 'utf8')
).version as string

describe.skipIf(process.platform !== 'linux')('npm start', () => {
  let scratch: string
  let project: string
  let env: NodeJS.ProcessEnv
  let record: string
  let mirror: Mirror | null = null
  let run: StartRun | null = null

  beforeEach(async () => {
    scratch = await tempDir('slipway-start-')
    project = scratchProject(join(scratch, 'project'))
    record = join(scratch, 'electron-args.txt')
    const clean = Object.fromEntries(
      Object.entries(process.env).filter(
        ([k]) => !/^(ELECTRON_|npm_config_electron|electron_)/i.test(k)
      )
    )
    env = {
      ...clean,
      PATH: `${fakeOpener(join(scratch, 'bin'))}:${process.env.PATH}`,
      DISPLAY: ':99',
      SLIPWAY_SKIP_BUILD: '1',
      SLIPWAY_DATA_DIR: join(scratch, 'data'),
      STANDIN_RECORD: record,
      electron_config_cache: join(scratch, 'cache'),
      // A development override that a production launch must not pass on.
      ELECTRON_RENDERER_URL: 'http://127.0.0.1:9/evil'
    }
  })

  afterEach(async () => {
    await run?.stop()
    run = null
    await mirror?.close()
    mirror = null
    await removeDir(scratch)
  })

  it('downloads Electron from the mirror, checks it, then launches it on the app', async () => {
    mirror = await startElectronMirror(VERSION)
    // The archive is not an official build: its checksum comes from the mirror's SHASUMS256.txt
    // (@electron/get's documented option for custom mirrors), and is still verified.
    run = npmStart(project, {
      ...env,
      ELECTRON_MIRROR: mirror.url,
      electron_use_remote_checksums: '1'
    })
    expect(await run.exited).toBe(0)
    const zip = `/v${VERSION}/electron-v${VERSION}-linux-${process.arch}.zip`
    expect(mirror.requests).toContain(`GET ${zip}`)
    expect(mirror.requests).toContain(`GET /v${VERSION}/SHASUMS256.txt`)
    expect(run.output()).toContain(
      `downloading Electron ${VERSION} from ${new URL(mirror.url).host}`
    )
    expect(run.output()).toContain(`Electron ${VERSION} is installed`)
    // The stand-in ran with the project folder, whose package.json names the built main entry.
    expect(readFileSync(record, 'utf8').split('\n')).toEqual([
      `arg:${project}`,
      'renderer-url:',
      ''
    ])
    const main = JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')).main as string
    expect(existsSync(join(project, main))).toBe(true)
    expect(readFileSync(join(project, 'node_modules', 'electron', 'path.txt'), 'utf8')).toBe(
      'electron'
    )

    // The next start finds the binary and asks the mirror nothing.
    const before = mirror.requests.length
    run = npmStart(project, { ...env, ELECTRON_MIRROR: mirror.url })
    expect(await run.exited).toBe(0)
    expect(mirror.requests.length).toBe(before)
    expect(run.output()).not.toContain('downloading')
    expect(readFileSync(record, 'utf8').match(/^arg:/gm)).toHaveLength(2)
  })

  it('refuses an archive whose checksum does not match, and says so', async () => {
    mirror = await startElectronMirror(VERSION)
    // Without remote checksums, install.js checks against the official builds' sums.
    run = npmStart(project, { ...env, ELECTRON_MIRROR: mirror.url })
    await run.waitFor(/starting serve mode/)
    expect(run.output()).toContain(
      `slipway: Electron could not be downloaded: the archive from ${new URL(mirror.url).host} failed its SHA-256 check`
    )
    expect(existsSync(record)).toBe(false)
    expect(existsSync(join(project, 'node_modules', 'electron', 'path.txt'))).toBe(false)
  })

  it('falls back to serve mode when the mirror is unreachable, with that reason', async () => {
    const port = await freePort()
    run = npmStart(project, {
      ...env,
      ELECTRON_MIRROR: `http://127.0.0.1:${port}/`,
      SLIPWAY_ELECTRON_TIMEOUT: '20'
    })
    const out = await run.waitFor(/Slipway is serving .* at http:\/\/127\.0\.0\.1:\d+\/\?token=/)
    const lines = out.split('\n').filter((l) => l.startsWith('slipway: '))
    expect(lines).toContain(
      `slipway: Electron could not be downloaded: the mirror 127.0.0.1:${port} is unreachable (connection refused); starting serve mode on the demo workspace instead.`
    )
    expect(lines.some((l) => l.startsWith('slipway: to retry: npm start;'))).toBe(true)
    expect(lines.join('\n')).toContain('ELECTRON_OVERRIDE_DIST_PATH=')
    // A refused connection is reported at once, not after the stall timeout.
    expect(out).not.toContain('no data from')
    expect(existsSync(record)).toBe(false)
  })

  it('gives up on a mirror that never answers after the stall timeout', async () => {
    mirror = await startSilentMirror()
    const started = Date.now()
    run = npmStart(project, { ...env, ELECTRON_MIRROR: mirror.url, SLIPWAY_ELECTRON_TIMEOUT: '2' })
    const out = await run.waitFor(/starting serve mode/)
    expect(out).toContain(
      `slipway: Electron could not be downloaded: no data from ${new URL(mirror.url).host} for 2 s; starting serve mode`
    )
    expect(mirror.requests.length).toBeGreaterThan(0)
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_000)
  })

  it('does not download when ELECTRON_SKIP_BINARY_DOWNLOAD is set, and says so', async () => {
    mirror = await startElectronMirror(VERSION)
    run = npmStart(project, {
      ...env,
      ELECTRON_MIRROR: mirror.url,
      ELECTRON_SKIP_BINARY_DOWNLOAD: '1'
    })
    const out = await run.waitFor(/starting serve mode/)
    expect(out).toContain(
      'slipway: the Electron binary was not downloaded: ELECTRON_SKIP_BINARY_DOWNLOAD is set; starting serve mode'
    )
    expect(mirror.requests).toEqual([])
  })

  it('uses the Electron in ELECTRON_OVERRIDE_DIST_PATH without downloading', async () => {
    mirror = await startElectronMirror(VERSION)
    const dist = join(scratch, 'electron-dist')
    mkdirSync(dist)
    writeFileSync(join(dist, 'electron'), STANDIN_ELECTRON, { mode: 0o755 })
    run = npmStart(project, {
      ...env,
      ELECTRON_MIRROR: mirror.url,
      ELECTRON_OVERRIDE_DIST_PATH: dist
    })
    expect(await run.exited).toBe(0)
    expect(mirror.requests).toEqual([])
    expect(readFileSync(record, 'utf8')).toContain(`arg:${project}\n`)
  })
})
