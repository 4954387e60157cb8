// `npm run package [-- electron-builder args]`: installers for this platform (AppImage and deb
// on Linux, dmg on macOS, NSIS on Windows) from a fresh build, packed around the Electron
// binary npm start uses (downloaded here the same way when missing). Says in one line when
// that binary cannot be had.
import { spawn } from 'node:child_process'
import { dirname, join } from 'node:path'
import { electronBinary, electronVersion } from './electron-binary.mjs'
import { downloadElectron } from './electron-download.mjs'
import { ensureFreshBuild, projectRoot as root } from './fresh-build.mjs'

const say = (line) => process.stderr.write(`slipway: ${line}\n`)

// The folder electron-builder copies as the app (electronDist): on macOS the one holding
// Electron.app, elsewhere the one holding the executable.
function distFolder(binary) {
  return process.platform === 'darwin'
    ? dirname(dirname(dirname(dirname(binary))))
    : dirname(binary)
}

let binary = electronBinary()
if (!binary) {
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH
  const skip = process.env.ELECTRON_SKIP_BINARY_DOWNLOAD
  let reason
  if (override) reason = `ELECTRON_OVERRIDE_DIST_PATH (${override}) holds no Electron executable`
  else if (skip && skip !== '0' && skip.toLowerCase() !== 'false') {
    reason = 'ELECTRON_SKIP_BINARY_DOWNLOAD is set'
  } else {
    const got = await downloadElectron({
      stallSeconds: Number(process.env.SLIPWAY_ELECTRON_TIMEOUT) || 30
    })
    if (got.ok) binary = got.binary
    else reason = got.reason
  }
  if (!binary) {
    say(
      `cannot package: no Electron binary to pack (${reason}); set ELECTRON_MIRROR or ELECTRON_OVERRIDE_DIST_PATH and retry`
    )
    process.exit(1)
  }
}

const failure = ensureFreshBuild()
if (failure) {
  process.stderr.write(failure)
  process.exit(1)
}

const builder = join(root, 'node_modules', '.bin', 'electron-builder')
const args = [
  '--config',
  join(root, 'electron-builder.config.mjs'),
  `-c.electronDist=${distFolder(binary)}`,
  `-c.electronVersion=${electronVersion()}`,
  ...process.argv.slice(2)
]
const child = spawn(builder, args, { cwd: root, stdio: 'inherit' })
child.on('error', (err) => {
  say(`could not start electron-builder: ${err.message}`)
  process.exit(1)
})
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
