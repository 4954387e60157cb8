// Where the Electron binary is, or null when it was never downloaded. We look ourselves:
// `require('electron')` would try to download it, and these machines must not reach out.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..')

export function electronBinary() {
  const pkg = join(projectRoot, 'node_modules', 'electron')
  const pathFile = join(pkg, 'path.txt')
  if (!existsSync(pathFile)) return null
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH
  const exe = join(override ?? join(pkg, 'dist'), readFileSync(pathFile, 'utf8').trim())
  return existsSync(exe) ? exe : null
}
