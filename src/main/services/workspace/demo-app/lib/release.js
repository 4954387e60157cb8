import { readFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * The release this copy of the app belongs to: the RELEASE file the build writes next to
 * the app, else $SLIPWAY_RELEASE, else 'dev' (a plain checkout).
 */
export function readRelease(appDir, env = process.env) {
  try {
    const id = readFileSync(join(appDir, 'RELEASE'), 'utf8').trim()
    if (id) return id
  } catch {
    // no RELEASE file: not a built copy
  }
  return (env.SLIPWAY_RELEASE || '').trim() || 'dev'
}
