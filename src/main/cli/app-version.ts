import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'

/**
 * Slipway's version from its package.json, found by walking up from `fromDir` (works from
 * src/ under tests and from out/main/ when built).
 */
export function readAppVersion(fromDir: string): string {
  let dir = fromDir
  for (let i = 0; i < 6; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string
        version?: string
      }
      if (pkg.name === 'slipway' && pkg.version) return pkg.version
    } catch {
      // no package.json here
    }
    const parent = dirname(dir)
    if (parent === dir) break
    dir = parent
  }
  return '0.0.0-unknown'
}
