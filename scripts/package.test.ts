// `npm run package` tested without a real Electron: electron-builder --dir packs the app
// around a stand-in Electron distribution whose "binary" carries a fuse wire, so the test
// reads back the fuses electron-builder flipped and lists the asar it wrote.
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { listPackage } from '@electron/asar'
import { FuseState, FuseV1Options, getCurrentFuseWire } from '@electron/fuses'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ELECTRON_FUSES } from '../build/fuses.mjs'
import builderConfig from '../electron-builder.config.mjs'
import { CHECKOUT } from '../src/main/testing/electron-mirror'
import { removeDir, tempDir } from '../src/main/testing/temp-dir'

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'
// The fuse wire as Electron ships it: RunAsNode on, cookie encryption off, NODE_OPTIONS on,
// inspect on, asar integrity off, only-asar off, V8 snapshot off, file privileges on, wasm off.
const SHIPPED_WIRE = '101100010'

/** An Electron distribution folder whose executable is a script carrying a fuse wire. */
function standInDist(dir: string): string {
  mkdirSync(join(dir, 'resources'), { recursive: true })
  const wire = Buffer.concat([
    Buffer.from(`#!/bin/sh\nexit 0\n# ${SENTINEL}`),
    Buffer.from([1, SHIPPED_WIRE.length]),
    Buffer.from(`${SHIPPED_WIRE}\n`)
  ])
  writeFileSync(join(dir, 'electron'), wire, { mode: 0o755 })
  writeFileSync(join(dir, 'version'), '45.5.0')
  return dir
}

function npmRunPackage(
  args: string[],
  env: NodeJS.ProcessEnv
): Promise<{ code: number | null; output: string }> {
  return new Promise((done) => {
    const child = spawn('npm', ['run', '--silent', 'package', '--', ...args], {
      cwd: CHECKOUT,
      env,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let output = ''
    child.stdout.on('data', (b: Buffer) => (output += b.toString()))
    child.stderr.on('data', (b: Buffer) => (output += b.toString()))
    child.on('close', (code) => done({ code, output }))
  })
}

describe('the fuse configuration', () => {
  it('turns off every way to run other code and turns on integrity and encryption', () => {
    expect(ELECTRON_FUSES).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false
    })
    expect(builderConfig.electronFuses).toBe(ELECTRON_FUSES)
  })

  it('packs an asar of built output, with a real icon', () => {
    expect(builderConfig.asar).toBe(true)
    expect(builderConfig.files).toEqual(['out/**/*', '!out/**/*.map', 'package.json'])
    const icon = readFileSync(join(CHECKOUT, builderConfig.icon as string))
    expect(icon.subarray(1, 4).toString()).toBe('PNG')
    expect(icon.readUInt32BE(16)).toBeGreaterThanOrEqual(512) // width
    expect(icon.readUInt32BE(20)).toBeGreaterThanOrEqual(512) // height
  })
})

describe('npm run package', () => {
  let scratch: string
  const env = (): NodeJS.ProcessEnv => {
    const clean = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !/^(ELECTRON_|npm_config_electron)/i.test(k))
    )
    return { ...clean, SLIPWAY_SKIP_BUILD: '1', ELECTRON_BUILDER_CACHE: join(scratch, 'cache') }
  }

  beforeAll(async () => {
    scratch = await tempDir('slipway-package-')
  })
  afterAll(async () => {
    await removeDir(scratch)
  })

  it('says in one line that there is no Electron binary to pack', async () => {
    const empty = join(scratch, 'no-electron')
    mkdirSync(empty)
    const run = await npmRunPackage(['--dir'], { ...env(), ELECTRON_OVERRIDE_DIST_PATH: empty })
    expect(run.code).toBe(1)
    expect(run.output.trim().split('\n')).toEqual([
      `slipway: cannot package: no Electron binary to pack (ELECTRON_OVERRIDE_DIST_PATH (${empty}) holds no Electron executable); set ELECTRON_MIRROR or ELECTRON_OVERRIDE_DIST_PATH and retry`
    ])
  })

  it.runIf(process.platform === 'linux')(
    'packs the built app and production dependencies into an asar, with the fuses flipped',
    async () => {
      const dist = standInDist(join(scratch, 'electron-dist'))
      const output = join(scratch, 'dist')
      const run = await npmRunPackage(
        ['--dir', `-c.directories.output=${output}`, '-c.npmRebuild=false'],
        { ...env(), ELECTRON_OVERRIDE_DIST_PATH: dist }
      )
      expect(run.code, run.output).toBe(0)

      const app = join(output, 'linux-unpacked')
      expect(statSync(join(app, 'slipway')).mode & 0o111).not.toBe(0)
      expect(existsSync(join(app, 'resources', 'app.asar'))).toBe(true)
      expect(existsSync(join(app, 'resources', 'app'))).toBe(false)

      const files = listPackage(join(app, 'resources', 'app.asar'), { isPack: false }).map((f) =>
        f.replaceAll('\\', '/')
      )
      for (const built of [
        '/package.json',
        '/out/main/index.js',
        '/out/main/cli.js',
        '/out/preload/index.cjs',
        '/out/renderer/index.html'
      ]) {
        expect(files).toContain(built)
      }
      const pkg = JSON.parse(readFileSync(join(CHECKOUT, 'package.json'), 'utf8'))
      for (const dep of Object.keys(pkg.dependencies)) {
        expect(files).toContain(`/node_modules/${dep}/package.json`)
      }
      // Nothing but out/, package.json and node_modules at the top.
      const top = new Set(files.map((f) => f.split('/')[1]))
      expect([...top].sort()).toEqual(['node_modules', 'out', 'package.json'])
      expect(files.filter((f) => f.startsWith('/out/') && /\.(ts|tsx|map)$/.test(f))).toEqual([])
      // No devDependency, nor anything only they pull in (the lockfile marks those dev).
      const lock = JSON.parse(readFileSync(join(CHECKOUT, 'package-lock.json'), 'utf8'))
      const devOnly = Object.entries(lock.packages as Record<string, { dev?: boolean }>)
        .filter(([path, meta]) => path.startsWith('node_modules/') && meta.dev)
        .map(([path]) => `/${path}/package.json`)
      expect(devOnly.length).toBeGreaterThan(100)
      expect(devOnly.filter((f) => files.includes(f))).toEqual([])

      const wire = await getCurrentFuseWire(join(app, 'slipway'))
      expect(wire[FuseV1Options.RunAsNode]).toBe(FuseState.DISABLE)
      expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(FuseState.DISABLE)
      expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(FuseState.DISABLE)
      expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(FuseState.ENABLE)
      expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(FuseState.ENABLE)
      expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(FuseState.ENABLE)
      expect(wire[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(FuseState.DISABLE)
    },
    300_000
  )
})
