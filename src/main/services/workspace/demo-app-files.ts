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
    '# SLIPWAY_PORT set: it stops the process the pid file in shared/ names (SIGTERM: the app',
    '# finishes the requests in flight first), starts `node server.js` in the background on',
    '# $SLIPWAY_PORT and records the new pid.',
    'set -eu',
    'base="${SLIPWAY_BASE:?SLIPWAY_BASE is not set}"',
    'mkdir -p "$base/shared"',
    'pidfile="$base/shared/orders.pid"',
    '# Alive, and not a zombie waiting for a parent to reap it (it has let go of the port).',
    'running() {',
    '  kill -0 "$1" 2>/dev/null && ! grep -qs "^State:.*Z" "/proc/$1/status"',
    '}',
    'if [ -f "$pidfile" ]; then',
    '  old=$(cat "$pidfile")',
    '  if [ -n "$old" ] && running "$old"; then',
    '    kill "$old" 2>/dev/null || true',
    '    # The app exits once its requests in flight are answered (it gives up after 10 s).',
    '    i=0',
    '    while running "$old" && [ "$i" -lt 120 ]; do',
    '      sleep 0.1',
    '      i=$((i + 1))',
    '    done',
    '    if running "$old"; then kill -9 "$old" 2>/dev/null || true; fi',
    '  fi',
    'fi',
    'PORT="${SLIPWAY_PORT:-3000}" nohup node server.js >>"$base/shared/orders.log" 2>&1 </dev/null &',
    'echo "$!" >"$pidfile"',
    'echo "orders started with pid $! on port ${SLIPWAY_PORT:-3000}"'
  )
}

/**
 * The load-balancer hook of the demo's production (hooks.beforeBatch / hooks.afterBatch): marks
 * the batch's hosts (SLIPWAY_HOSTS, `address:port`) `down` in an nginx upstream file, or up
 * again, and reloads that nginx. Without the upstream file there is no balancer to tell.
 */
export function nginxUpstreamSh(): string {
  return lines(
    '#!/bin/sh',
    '# Takes hosts out of an nginx load balancer, or puts them back. Slipway runs it on this',
    '# machine around each batch of a rolling deploy, rollback or automatic rollback',
    '# (hooks.beforeBatch / hooks.afterBatch), with the batch in SLIPWAY_HOSTS ("address:port ...").',
    '#   sh scripts/nginx-upstream.sh down|up <dir>',
    '# <dir> holds the balancer: upstream.conf (one `server address:port;` line per host, included',
    "# by nginx.conf in an upstream block) and nginx.pid. The batch's lines get `down` (or lose",
    '# it) and that nginx reloads: new connections skip the drained hosts while the requests',
    '# already sent to them finish. It refuses to take the last host out.',
    'set -eu',
    'action="${1:-}"',
    'dir="${2:-}"',
    'case "$action" in down | up) ;; *)',
    '  echo "usage: nginx-upstream.sh down|up <dir>" >&2',
    '  exit 2',
    '  ;;',
    'esac',
    'conf="$dir/upstream.conf"',
    'if [ ! -f "$conf" ]; then',
    '  echo "no load balancer at $conf: nothing to mark $action"',
    '  exit 0',
    'fi',
    'tmp="$conf.$$"',
    'awk -v hosts="${SLIPWAY_HOSTS:-}" -v action="$action" \'',
    '  BEGIN { n = split(hosts, list, " "); for (i = 1; i <= n; i++) want[list[i]] = 1 }',
    '  $1 == "server" {',
    '    addr = $2; sub(/;$/, "", addr)',
    '    if (addr in want) {',
    '      seen[addr] = 1',
    '      line = "server " addr',
    '      for (i = 3; i <= NF; i++) { f = $i; sub(/;$/, "", f); if (f != "down" && f != "") line = line " " f }',
    '      if (action == "down") line = line " down"',
    '      print line ";"',
    '      next',
    '    }',
    '  }',
    '  { print }',
    '  END {',
    '    for (h in want) if (!(h in seen)) { print "not in the upstream: " h > "/dev/stderr"; bad = 1 }',
    '    exit bad',
    '  }',
    '\' "$conf" >"$tmp" || { rm -f "$tmp"; exit 1; }',
    'if ! grep -Eq \'^server [^ ;]+( [^d][^ ;]*)*;\' "$tmp"; then',
    '  rm -f "$tmp"',
    '  echo "refusing to take every host of $conf out" >&2',
    '  exit 1',
    'fi',
    'mv "$tmp" "$conf"',
    'if [ -f "$dir/nginx.pid" ]; then',
    '  "${NGINX:-nginx}" -q -p "$dir" -c nginx.conf -e "$dir/error.log" -s reload',
    '  echo "marked $action in $conf: ${SLIPWAY_HOSTS:-}; nginx reloaded"',
    'else',
    '  echo "marked $action in $conf: ${SLIPWAY_HOSTS:-} (nginx is not running)"',
    'fi'
  )
}

/**
 * The end of the demo's server.js: a graceful stop on SIGTERM (restart.sh) or Ctrl-C, using the
 * `server`, `release` and `stopping` it declares.
 */
export function gracefulStopJs(): string[] {
  return [
    '// A graceful stop (restart.sh sends SIGTERM): accept no new connection, close the idle ones,',
    '// finish the requests in flight (answered with Connection: close), then exit; after 10 s',
    '// whatever is left is cut off.',
    'function stop(signal) {',
    '  if (stopping) return',
    '  stopping = true',
    "  console.log('orders ' + release + ': ' + signal + ', finishing the requests in flight')",
    '  server.close(() => process.exit(0))',
    '  server.closeIdleConnections()',
    '  setTimeout(() => {',
    "    console.log('orders ' + release + ': requests still open after 10 s, exiting')",
    '    process.exit(1)',
    '  }, 10000).unref()',
    '}',
    "for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => stop(signal))"
  ]
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
      # Zero downtime behind a load balancer: each batch leaves nginx before its hosts restart
      # and comes back once the health check proved the new release. The hooks run here, in
      # this repository; scripts/nginx-upstream.sh marks SLIPWAY_HOSTS down (or up) in
      # .slipway/lb/production/upstream.conf and reloads that nginx (no balancer there: no-op).
      beforeBatch: sh scripts/nginx-upstream.sh down .slipway/lb/production
      afterBatch: sh scripts/nginx-upstream.sh up .slipway/lb/production
      # Requests nginx already sent to the batch finish within this wait.
      drainSeconds: 1
    healthCheck:
      url: 'http://127.0.0.1:{port}/health'
      timeoutSeconds: 20
    keepReleases: 5
`
