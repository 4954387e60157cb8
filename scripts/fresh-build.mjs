// Builds out/ with electron-vite when it is missing or older than the sources. Shared by
// bin/slipway (the CLI and serve) and scripts/start.mjs (the desktop app).
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..')

/** Every file the desktop app and the CLI need from a build. */
export const BUILD_OUTPUTS = [
  'out/main/index.js',
  'out/main/cli.js',
  'out/preload/index.cjs',
  'out/renderer/index.html'
].map((f) => join(projectRoot, f))

const inputs = ['package.json', 'electron.vite.config.ts'].map((f) => join(projectRoot, f))

function mtime(path) {
  try {
    return statSync(path).mtimeMs
  } catch {
    return null
  }
}

// Newest source file, skipping tests (they are not part of the build).
function newestUnder(dir) {
  let newest = 0
  let entries
  try {
    entries = readdirSync(dir, { withFileTypes: true })
  } catch {
    return 0
  }
  for (const e of entries) {
    const p = join(dir, e.name)
    if (e.isDirectory()) newest = Math.max(newest, newestUnder(p))
    else if (!/\.test\.tsx?$/.test(e.name)) newest = Math.max(newest, mtime(p) ?? 0)
  }
  return newest
}

function needsBuild() {
  if (process.env.SLIPWAY_SKIP_BUILD) return false
  const built = BUILD_OUTPUTS.map(mtime)
  if (built.some((t) => t === null)) return true
  const oldestOutput = Math.min(...built)
  const newestInput = Math.max(
    newestUnder(join(projectRoot, 'src')),
    ...inputs.map((f) => mtime(f) ?? 0)
  )
  return newestInput > oldestOutput
}

// Two launches at once (tests, a second terminal) must not write out/ together: the first
// takes a lock folder, the others wait and then find the build fresh.
function lockBuild() {
  const lock = join(projectRoot, 'node_modules', '.slipway-build.lock')
  const started = Date.now()
  for (;;) {
    try {
      mkdirSync(lock)
      return () => rmSync(lock, { recursive: true, force: true })
    } catch (err) {
      if (err.code !== 'EEXIST') return () => {}
      if (Date.now() - (mtime(lock) ?? Date.now()) > 120_000) {
        rmSync(lock, { recursive: true, force: true }) // left by a killed build
        continue
      }
      if (Date.now() - started > 180_000) return () => {}
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200)
    }
  }
}

function build() {
  process.stderr.write('slipway: building… (the sources changed since the last build)\n')
  const bin = join(projectRoot, 'node_modules', '.bin', 'electron-vite')
  const result = existsSync(bin)
    ? spawnSync(bin, ['build', '--logLevel', 'warn'], {
        cwd: projectRoot,
        stdio: ['ignore', process.stderr, process.stderr],
        env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' }
      })
    : { status: null, error: new Error('electron-vite is not installed; run npm install') }
  if (result.status !== 0) {
    const why = result.error ? result.error.message : `the build exited with ${result.status}`
    if (BUILD_OUTPUTS.some((f) => !existsSync(f))) return `slipway: cannot build: ${why}\n`
    process.stderr.write(`slipway: warning: build failed (${why}); running the previous build\n`)
  }
  return null
}

/**
 * Builds when out/ is missing or stale (one build at a time). Returns null when out/ is
 * usable, else the one-line reason it is not.
 */
export function ensureFreshBuild() {
  if (!needsBuild()) return null
  const unlock = lockBuild()
  try {
    return needsBuild() ? build() : null
  } finally {
    unlock()
  }
}
