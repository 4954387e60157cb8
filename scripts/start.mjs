// `npm start`: the desktop app when the Electron binary is installed, else `slipway serve`
// on the demo workspace in the browser.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { electronBinary, projectRoot as root } from './electron-binary.mjs'

function run(command, args) {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit' })
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => child.kill(signal))
  }
  child.on('error', (err) => {
    process.stderr.write(`slipway: could not start ${command}: ${err.message}\n`)
    process.exit(1)
  })
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)))
}

if (electronBinary()) {
  // Builds main, preload and renderer, then launches Electron on this package.
  run(join(root, 'node_modules', '.bin', 'electron-vite'), ['preview'])
} else {
  process.stdout.write(
    'Electron is not installed here (offline install: ELECTRON_SKIP_BINARY_DOWNLOAD=1); starting Slipway in serve mode on the demo workspace.\n'
  )
  run(process.execPath, [join(root, 'bin', 'slipway'), 'serve', '--open'])
}
