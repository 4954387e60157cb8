/**
 * The demo app's files that do not change with its features (release and build scripts, the CSV
 * and refund libraries with their tests) and its slipway.yml; `demo-app.ts` assembles a snapshot.
 */

/** Joins lines, dropping `false` entries, so optional sections read inline. */
export function lines(...parts: readonly (string | false)[]): string {
  return parts.filter((p): p is string => p !== false).join('\n') + '\n'
}

export function releaseJs(): string {
  return lines(
    "import { readFileSync } from 'node:fs'",
    "import { join } from 'node:path'",
    '',
    '/**',
    ' * The release this copy of the app belongs to: the RELEASE file the build writes next to',
    " * the app, else $SLIPWAY_RELEASE, else 'dev' (a plain checkout).",
    ' */',
    'export function readRelease(appDir, env = process.env) {',
    '  try {',
    "    const id = readFileSync(join(appDir, 'RELEASE'), 'utf8').trim()",
    '    if (id) return id',
    '  } catch {',
    '    // no RELEASE file: not a built copy',
    '  }',
    "  return (env.SLIPWAY_RELEASE || '').trim() || 'dev'",
    '}'
  )
}

export function releaseTest(): string {
  return lines(
    "import assert from 'node:assert/strict'",
    "import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'",
    "import { tmpdir } from 'node:os'",
    "import { join } from 'node:path'",
    "import { test } from 'node:test'",
    "import { readRelease } from '../lib/release.js'",
    '',
    "test('prefers the RELEASE file, then SLIPWAY_RELEASE, then dev', () => {",
    "  const dir = mkdtempSync(join(tmpdir(), 'orders-release-'))",
    '  try {',
    "    assert.equal(readRelease(dir, {}), 'dev')",
    "    assert.equal(readRelease(dir, { SLIPWAY_RELEASE: 'r-7' }), 'r-7')",
    "    writeFileSync(join(dir, 'RELEASE'), 'r-8\\n')",
    "    assert.equal(readRelease(dir, { SLIPWAY_RELEASE: 'r-7' }), 'r-8')",
    '  } finally {',
    '    rmSync(dir, { recursive: true, force: true })',
    '  }',
    '})'
  )
}

export function buildJs(): string {
  return lines(
    '// Copies the app into dist/ and stamps it with the release id, so the artifact says what',
    '// it is wherever it is unpacked. The release id comes from $SLIPWAY_RELEASE.',
    "import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'",
    "import { dirname, join } from 'node:path'",
    "import { fileURLToPath } from 'node:url'",
    '',
    "const root = join(dirname(fileURLToPath(import.meta.url)), '..')",
    "const dist = join(root, 'dist')",
    "const release = (process.env.SLIPWAY_RELEASE || '').trim() || 'dev'",
    '',
    'rmSync(dist, { recursive: true, force: true })',
    'mkdirSync(dist)',
    "for (const path of ['package.json', 'server.js', 'lib']) {",
    '  cpSync(join(root, path), join(dist, path), { recursive: true })',
    '}',
    "cpSync(join(root, 'scripts', 'restart.sh'), join(dist, 'restart.sh'))",
    "writeFileSync(join(dist, 'RELEASE'), release + '\\n')",
    "console.log('built release ' + release + ' into dist/')"
  )
}

export function restartSh(): string {
  return lines(
    '#!/bin/sh',
    '# Restarts the orders service from the release this file belongs to. Slipway runs it after',
    '# switching `current` (hooks.afterActivate), in the release folder, with SLIPWAY_BASE and',
    '# SLIPWAY_PORT set: it stops the process the pid file in shared/ names, starts',
    '# `node server.js` in the background on $SLIPWAY_PORT and records the new pid.',
    'set -eu',
    'base="${SLIPWAY_BASE:?SLIPWAY_BASE is not set}"',
    'mkdir -p "$base/shared"',
    'pidfile="$base/shared/orders.pid"',
    'if [ -f "$pidfile" ]; then',
    '  old=$(cat "$pidfile")',
    '  if [ -n "$old" ] && kill -0 "$old" 2>/dev/null; then',
    '    kill "$old" 2>/dev/null || true',
    '    # Wait (at most 5 s) for it to let go of the port.',
    '    i=0',
    '    while kill -0 "$old" 2>/dev/null && [ "$i" -lt 50 ]; do',
    '      sleep 0.1',
    '      i=$((i + 1))',
    '    done',
    '  fi',
    'fi',
    'PORT="${SLIPWAY_PORT:-3000}" nohup node server.js >>"$base/shared/orders.log" 2>&1 </dev/null &',
    'echo "$!" >"$pidfile"',
    'echo "orders started with pid $! on port ${SLIPWAY_PORT:-3000}"'
  )
}

export function csvJs(): string {
  return lines(
    '/** One CSV cell: quoted when it holds a comma, quote or newline. */',
    'function cell(value) {',
    '  const text = String(value ?? "")',
    "  return /[\",\\n]/.test(text) ? '\"' + text.replaceAll('\"', '\"\"') + '\"' : text",
    '}',
    '',
    '/** Orders as CSV, one line per order, for the finance spreadsheet. */',
    'export function ordersToCsv(orders) {',
    "  const rows = [['id', 'customer', 'items', 'total']]",
    '  for (const order of orders) {',
    '    rows.push([order.id, order.customer, order.items.length, order.total.toFixed(2)])',
    '  }',
    "  return rows.map((row) => row.map(cell).join(',')).join('\\n') + '\\n'",
    '}'
  )
}

export function csvTest(): string {
  return lines(
    "import assert from 'node:assert/strict'",
    "import { test } from 'node:test'",
    "import { ordersToCsv } from '../lib/csv.js'",
    '',
    "test('writes a header and quotes awkward names', () => {",
    "  const csv = ordersToCsv([{ id: '1', customer: 'Smith, \"Jo\"', items: [{}], total: 12 }])",
    '  assert.equal(csv, \'id,customer,items,total\\n1,"Smith, ""Jo""",1,12.00\\n\')',
    '})'
  )
}

export function refundsJs(): string {
  return lines(
    '/**',
    ' * The order after refunding `amount`: refunds never exceed what the customer paid.',
    ' * Throws a RangeError for an amount that is not positive or is more than what is left.',
    ' */',
    'export function refundAmount(order, amount) {',
    "  if (typeof amount !== 'number' || !(amount > 0)) {",
    "    throw new RangeError('a refund must be a positive amount')",
    '  }',
    '  const refunded = order.refunded ?? 0',
    '  const remaining = order.total - refunded',
    '  if (amount > remaining + 1e-9) {',
    "    throw new RangeError('at most ' + remaining.toFixed(2) + ' can be refunded')",
    '  }',
    '  return { refunded: refunded + amount, remaining: remaining - amount }',
    '}'
  )
}

export function refundsTest(): string {
  return lines(
    "import assert from 'node:assert/strict'",
    "import { test } from 'node:test'",
    "import { refundAmount } from '../lib/refunds.js'",
    '',
    "test('refunds up to the total, in parts', () => {",
    '  const order = { total: 24 }',
    '  assert.deepEqual(refundAmount(order, 4), { refunded: 4, remaining: 20 })',
    '  assert.deepEqual(refundAmount({ total: 24, refunded: 4 }, 20), { refunded: 24, remaining: 0 })',
    '})',
    '',
    "test('refuses more than what is left, and non-positive amounts', () => {",
    '  assert.throws(() => refundAmount({ total: 24, refunded: 20 }, 5), /at most 4.00/)',
    '  assert.throws(() => refundAmount({ total: 24 }, 0), RangeError)',
    "  assert.throws(() => refundAmount({ total: 24 }, '3'), RangeError)",
    '})'
  )
}

/** The demo's pipeline: staging on merge, production promoted from staging with an approval. */
export const DEMO_SLIPWAY_YML = `# Slipway pipeline for the demo "orders" service.
project: orders
mainBranch: main

tickets:
  pattern: 'ORD-[0-9]+'

test:
  command: npm test
  timeoutSeconds: 120
  concurrency: 2

# Copies the app and restart.sh into dist/ and writes dist/RELEASE ($SLIPWAY_RELEASE).
build:
  command: npm run build
  artifact: dist

# "Run locally" on any branch: its own worktree, a free port in PORT, sandboxed (bubblewrap).
# The app has no dependencies, so there is no setup step.
branchEnvironments:
  run: node server.js
  healthUrl: 'http://127.0.0.1:{port}/health'
  startTimeoutSeconds: 30

environments:
  # Every merge to main is deployed here.
  - name: staging
    deployOn: merge
    hosts:
      # 'local' hosts are folders on this machine, so the demo needs no servers.
      - local: .slipway/hosts/staging-1
        port: 4301
        name: staging-1
    hooks:
      # Stops the app the host ran before and starts this release (restart.sh, from the build).
      afterActivate: sh restart.sh
    healthCheck:
      url: 'http://127.0.0.1:{port}/health'
      timeoutSeconds: 20
    keepReleases: 5

  # The release that passed staging, after one approval; never during the weekend freeze.
  - name: production
    promoteFrom: staging
    approvals:
      required: 1
      authorCannotApprove: true
    freeze:
      - 'Fri 16:00 - Mon 08:00'
    strategy:
      batchSize: 1
    hosts:
      - local: .slipway/hosts/production-1
        port: 4401
        name: production-1
      - local: .slipway/hosts/production-2
        port: 4402
        name: production-2
    hooks:
      afterActivate: sh restart.sh
    healthCheck:
      url: 'http://127.0.0.1:{port}/health'
      timeoutSeconds: 20
    keepReleases: 5
`
