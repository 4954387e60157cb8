/// <reference types="vite/client" />
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The demo app's template files (path inside the app → text), as stored in
 * src/main/services/workspace/demo-app/. The build (electron-vite) and Vitest embed them with
 * `import.meta.glob`; run from source by plain tsx (the benchmarks), where that is not
 * available, they are read from the folder next to this file.
 */
export function demoAppSources(): Readonly<Record<string, string>> {
  cached ??= embedded() ?? fromFolder()
  return cached
}

let cached: Readonly<Record<string, string>> | undefined

const PREFIX = './demo-app/'

function embedded(): Record<string, string> | null {
  let found: Record<string, string>
  try {
    found = import.meta.glob<string>('./demo-app/**/*', {
      query: '?raw',
      import: 'default',
      eager: true
    })
  } catch {
    return null
  }
  const files: Record<string, string> = {}
  for (const [key, text] of Object.entries(found)) files[key.slice(PREFIX.length)] = text
  return files
}

function fromFolder(): Record<string, string> {
  const root = join(dirname(fileURLToPath(import.meta.url)), 'demo-app')
  const files: Record<string, string> = {}
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) walk(path)
      else files[relative(root, path)] = readFileSync(path, 'utf8')
    }
  }
  walk(root)
  return files
}
