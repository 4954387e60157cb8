// Where the Electron binary is, or null when it is not there yet. We look ourselves:
// `require('electron')` downloads a missing binary with no timeout and no way to fall back.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { projectRoot } from './fresh-build.mjs'

export { projectRoot }

/** The `electron` package folder (its install.js downloads the binary into dist/). */
export const electronPackageDir = join(projectRoot, 'node_modules', 'electron')

/** The executable's path inside an Electron distribution, as Electron's install.js names it. */
export function platformExecutable(platform = process.platform) {
  if (platform === 'darwin' || platform === 'mas') return 'Electron.app/Contents/MacOS/Electron'
  return platform === 'win32' ? 'electron.exe' : 'electron'
}

/** The version of the installed `electron` package, or null when it is not installed. */
export function electronVersion() {
  try {
    return JSON.parse(readFileSync(join(electronPackageDir, 'package.json'), 'utf8')).version
  } catch {
    return null
  }
}

/**
 * The Electron executable: in ELECTRON_OVERRIDE_DIST_PATH when that is set, else the one
 * install.js put in node_modules/electron/dist. Null when it is not there.
 */
export function electronBinary() {
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH
  if (override) {
    const exe = join(override, platformExecutable())
    return existsSync(exe) ? exe : null
  }
  const pathFile = join(electronPackageDir, 'path.txt')
  if (!existsSync(pathFile)) return null
  const exe = join(electronPackageDir, 'dist', readFileSync(pathFile, 'utf8').trim())
  return existsSync(exe) ? exe : null
}
