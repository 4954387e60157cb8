// `npm start` (and `npm run dev` with --dev): the desktop app. When the Electron binary is
// missing, Electron's own installer fetches it (progress, stall timeout); when that is not
// possible (offline, mirror unreachable, skipped on purpose, no display) it says why in one
// line, how to retry in another, and starts `slipway serve --open` on the demo instead.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { electronBinary } from './electron-binary.mjs'
import { downloadElectron } from './electron-download.mjs'
import { ensureFreshBuild, projectRoot as root } from './fresh-build.mjs'

const dev = process.argv.includes('--dev')
const say = (line) => process.stderr.write(`slipway: ${line}\n`)

function run(command, args, env = process.env) {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit', env })
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => child.kill(signal))
  }
  child.on('error', (err) => {
    say(`could not start ${command}: ${err.message}`)
    process.exit(1)
  })
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)))
}

function serveInstead(reason, retry) {
  say(`${reason}; starting serve mode on the demo workspace instead.`)
  if (retry) say(retry)
  run(process.execPath, [join(root, 'bin', 'slipway'), 'serve', '--open'])
}

const RETRY =
  'to retry: npm start; to download from a mirror: ELECTRON_MIRROR=https://mirror.example/electron/ npm start; ' +
  'to use an Electron already on disk: ELECTRON_OVERRIDE_DIST_PATH=/path/to/electron-folder npm start'

function skipRequested() {
  const v = process.env.ELECTRON_SKIP_BINARY_DOWNLOAD
  return v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false'
}

function stallSeconds() {
  const n = Number(process.env.SLIPWAY_ELECTRON_TIMEOUT ?? 30)
  return Number.isFinite(n) && n > 0 ? n : 30
}

async function findOrDownloadElectron() {
  const found = electronBinary()
  if (found) return { ok: true, binary: found }
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH
  if (override) {
    return {
      ok: false,
      reason: `ELECTRON_OVERRIDE_DIST_PATH (${override}) holds no Electron executable`
    }
  }
  if (skipRequested()) {
    return {
      ok: false,
      reason: 'the Electron binary was not downloaded: ELECTRON_SKIP_BINARY_DOWNLOAD is set',
      retry: 'to get the desktop app, run npm start without ELECTRON_SKIP_BINARY_DOWNLOAD'
    }
  }
  const got = await downloadElectron({ stallSeconds: stallSeconds() })
  return got.ok ? got : { ok: false, reason: `Electron could not be downloaded: ${got.reason}` }
}

function noDisplay() {
  if (process.platform !== 'linux') return false
  return !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY
}

if (noDisplay()) {
  serveInstead('no graphical display here (neither DISPLAY nor WAYLAND_DISPLAY is set)', null)
} else {
  const electron = await findOrDownloadElectron()
  if (!electron.ok) {
    serveInstead(electron.reason, electron.retry ?? RETRY)
  } else if (dev) {
    // electron-vite serves the renderer with hot reload and launches this binary on it.
    run(join(root, 'node_modules', '.bin', 'electron-vite'), ['dev', '--', '--slipway-dev'], {
      ...process.env,
      ELECTRON_EXEC_PATH: electron.binary
    })
  } else {
    const failure = ensureFreshBuild()
    if (failure) {
      process.stderr.write(failure)
      process.exit(1)
    }
    // The app as it ships: no dev-server URL and nothing that would run Electron as Node.
    const env = { ...process.env }
    delete env.ELECTRON_RENDERER_URL
    delete env.ELECTRON_RUN_AS_NODE
    run(electron.binary, [root], env)
  }
}
