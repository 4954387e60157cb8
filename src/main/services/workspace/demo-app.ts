/**
 * The demo "orders" service, as the files of one snapshot of its history. Each feature is
 * added by one ticket; a commit is the set of features present at that point. The files are
 * real ones in ./demo-app/ (their newest version, linted and type-checked), with the lines a
 * feature adds between markers (see demo-template.ts).
 */
import { demoAppSources } from './demo-app-source'
import { renderDemoTemplate } from './demo-template'

export const DEMO_FEATURES = [
  'scaffold',
  'validation',
  'totals',
  'endpoints',
  'release',
  'build',
  'pipeline',
  'notes',
  'get-by-id',
  'readme',
  'max-items',
  'csv',
  'rounding',
  'rounding-test',
  'refund-lib',
  'refund-route',
  'refund-docs',
  'discount'
] as const

export type DemoFeature = (typeof DEMO_FEATURES)[number]

const KNOWN: ReadonlySet<string> = new Set(DEMO_FEATURES)

/** The feature that brings each file of ./demo-app/ (null: there from the first commit). */
const BROUGHT_BY: Readonly<Record<string, DemoFeature | null>> = {
  'README.md': null,
  'server.js': null,
  'lib/orders.js': 'validation',
  'test/orders.test.js': 'validation',
  'lib/store.js': 'endpoints',
  'test/store.test.js': 'endpoints',
  'lib/release.js': 'release',
  'test/release.test.js': 'release',
  'scripts/build.js': 'build',
  'scripts/restart.sh': 'build',
  'slipway.yml': 'pipeline',
  'scripts/nginx-upstream.sh': 'pipeline',
  'lib/csv.js': 'csv',
  'test/csv.test.js': 'csv',
  'lib/refunds.js': 'refund-lib',
  'test/refunds.test.js': 'refund-lib'
}

/** The files of the demo app (path → content) when `features` are present. */
export function demoFiles(features: ReadonlySet<DemoFeature>): Record<string, string> {
  const has = (feature: string): boolean => features.has(feature as DemoFeature)
  const files: Record<string, string> = {
    '.gitignore': 'node_modules/\ndist/\n.slipway/\n',
    'package.json': packageJson(features)
  }
  for (const [path, text] of Object.entries(demoAppSources())) {
    const brought = BROUGHT_BY[path]
    if (brought === undefined) throw new Error(`demo app: ${path} is not in BROUGHT_BY`)
    if (brought !== null && !features.has(brought)) continue
    files[path] = renderDemoTemplate(path, text, has, KNOWN)
  }
  return files
}

function packageJson(features: ReadonlySet<DemoFeature>): string {
  const scripts: Record<string, string> = { start: 'node server.js', test: 'node --test' }
  if (features.has('build')) scripts.build = 'node scripts/build.js'
  const pkg = {
    name: 'orders',
    version: '1.0.0',
    description: 'A small order service: the Slipway demo workspace.',
    private: true,
    type: 'module',
    scripts,
    engines: { node: '>=20' }
  }
  return JSON.stringify(pkg, null, 2) + '\n'
}
