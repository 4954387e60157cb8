/**
 * The demo "orders" service, as the files of one snapshot of its history. Each feature is
 * added by one ticket; a commit is the set of features present at that point.
 */
import {
  DEMO_SLIPWAY_YML,
  lines,
  releaseJs,
  releaseTest,
  buildJs,
  restartSh,
  nginxUpstreamSh,
  gracefulStopJs,
  csvJs,
  csvTest,
  refundsJs,
  refundsTest
} from './demo-app-files'
export type DemoFeature =
  | 'scaffold'
  | 'validation'
  | 'totals'
  | 'endpoints'
  | 'release'
  | 'build'
  | 'pipeline'
  | 'notes'
  | 'get-by-id'
  | 'readme'
  | 'max-items'
  | 'csv'
  | 'rounding'
  | 'rounding-test'
  | 'refund-lib'
  | 'refund-route'
  | 'refund-docs'
  | 'discount'

type Has = (feature: DemoFeature) => boolean

/** The files of the demo app (path → content) when `features` are present. */
export function demoFiles(features: ReadonlySet<DemoFeature>): Record<string, string> {
  const has: Has = (f) => features.has(f)
  const files: Record<string, string> = {
    '.gitignore': lines('node_modules/', 'dist/', '.slipway/'),
    'package.json': packageJson(has),
    'README.md': readme(has),
    'server.js': serverJs(has)
  }
  if (has('validation')) {
    files['lib/orders.js'] = ordersJs(has)
    files['test/orders.test.js'] = ordersTest(has)
  }
  if (has('endpoints')) {
    files['lib/store.js'] = storeJs(has)
    files['test/store.test.js'] = storeTest(has)
  }
  if (has('release')) {
    files['lib/release.js'] = releaseJs()
    files['test/release.test.js'] = releaseTest()
  }
  if (has('build')) {
    files['scripts/build.js'] = buildJs()
    files['scripts/restart.sh'] = restartSh()
  }
  if (has('pipeline')) {
    files['slipway.yml'] = DEMO_SLIPWAY_YML
    files['scripts/nginx-upstream.sh'] = nginxUpstreamSh()
  }
  if (has('csv')) {
    files['lib/csv.js'] = csvJs()
    files['test/csv.test.js'] = csvTest()
  }
  if (has('refund-lib')) {
    files['lib/refunds.js'] = refundsJs()
    files['test/refunds.test.js'] = refundsTest()
  }
  return files
}

function packageJson(has: Has): string {
  const scripts: Record<string, string> = { start: 'node server.js', test: 'node --test' }
  if (has('build')) scripts.build = 'node scripts/build.js'
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

function readme(has: Has): string {
  return lines(
    '# orders',
    '',
    'A small HTTP service that takes and lists orders. It has no dependencies: Node 20 is enough.',
    '',
    'This repository is the Slipway demo workspace. Its history, branches and `slipway.yml` are',
    'there to try the whole flow: tickets, branches, tests, releases and deployments.',
    has('readme') && '',
    has('readme') && '## Run it',
    has('readme') && '',
    has('readme') && '```sh',
    has('readme') && 'npm test            # node --test, no dependencies',
    has('readme') && 'PORT=4000 npm start # http://127.0.0.1:4000/health',
    has('readme') && 'npm run build       # copies the app into dist/ and writes dist/RELEASE',
    has('readme') && '```',
    has('readme') && '',
    has('readme') && '## Endpoints',
    has('readme') && '',
    has('readme') && '- `GET /health`: `{ "status": "ok", "release": "<id>" }`',
    has('readme') && '- every response names its release in the `X-Release` header',
    has('readme') && '- `GET /orders`, `POST /orders`: list and create orders',
    has('readme') && '- `GET /orders/:id`: one order',
    has('refund-docs') && '- `POST /orders/:id/refund`: refund part of an order (`{ "amount": 5 }`)'
  )
}

function serverJs(has: Has): string {
  return lines(
    "import { createServer } from 'node:http'",
    has('release') && "import { dirname } from 'node:path'",
    has('release') && "import { fileURLToPath } from 'node:url'",
    has('csv') && "import { ordersToCsv } from './lib/csv.js'",
    has('endpoints') && "import { validateOrder } from './lib/orders.js'",
    has('refund-route') && "import { refundAmount } from './lib/refunds.js'",
    has('release') && "import { readRelease } from './lib/release.js'",
    has('endpoints') && "import { createOrderStore } from './lib/store.js'",
    '',
    has('release')
      ? '// The build writes RELEASE next to this file; a checkout reports $SLIPWAY_RELEASE or "dev".'
      : '// The release id this process serves, so a deployment can be verified from outside.',
    has('release')
      ? 'const release = readRelease(dirname(fileURLToPath(import.meta.url)))'
      : "const release = process.env.SLIPWAY_RELEASE || 'dev'",
    has('endpoints') && 'const store = createOrderStore()',
    '// Set by a graceful stop (SIGTERM).',
    'let stopping = false',
    '',
    'function send(res, status, body) {',
    "  // Stopping: this answer is the connection's last (the client opens a new one elsewhere).",
    "  if (stopping) res.setHeader('connection', 'close')",
    "  res.writeHead(status, { 'content-type': 'application/json' })",
    '  res.end(JSON.stringify(body))',
    '}',
    '',
    has('endpoints') && 'function readJson(req) {',
    has('endpoints') && '  return new Promise((resolve, reject) => {',
    has('endpoints') && "    let data = ''",
    has('endpoints') && "    req.setEncoding('utf8')",
    has('endpoints') && "    req.on('data', (chunk) => {",
    has('endpoints') && '      data += chunk',
    has('endpoints') &&
      "      if (data.length > 100000) reject(new Error('request body too large'))",
    has('endpoints') && '    })',
    has('endpoints') && "    req.on('end', () => {",
    has('endpoints') && '      try {',
    has('endpoints') && '        resolve(data ? JSON.parse(data) : {})',
    has('endpoints') && '      } catch {',
    has('endpoints') && "        reject(new Error('request body is not JSON'))",
    has('endpoints') && '      }',
    has('endpoints') && '    })',
    has('endpoints') && "    req.on('error', reject)",
    has('endpoints') && '  })',
    has('endpoints') && '}',
    has('endpoints') && '',
    'async function handle(req, res) {',
    "  const url = new URL(req.url || '/', 'http://localhost')",
    "  if (req.method === 'GET' && url.pathname === '/health') {",
    "    return send(res, 200, { status: 'ok', release })",
    '  }',
    has('endpoints') && "  if (url.pathname === '/orders') {",
    has('endpoints') && "    if (req.method === 'GET') return send(res, 200, store.list())",
    has('endpoints') && "    if (req.method === 'POST') {",
    has('endpoints') && '      const input = await readJson(req)',
    has('endpoints') && '      const problems = validateOrder(input)',
    has('endpoints') &&
      "      if (problems.length > 0) return send(res, 400, { error: 'invalid order', problems })",
    has('endpoints') && '      return send(res, 201, store.add(input))',
    has('endpoints') && '    }',
    has('endpoints') && '  }',
    has('csv') && "  if (req.method === 'GET' && url.pathname === '/orders.csv') {",
    has('csv') && "    res.writeHead(200, { 'content-type': 'text/csv' })",
    has('csv') && '    return res.end(ordersToCsv(store.list()))',
    has('csv') && '  }',
    has('get-by-id') && '  const byId = /^\\/orders\\/(\\d+)$/.exec(url.pathname)',
    has('get-by-id') && "  if (req.method === 'GET' && byId) {",
    has('get-by-id') && '    const order = store.get(byId[1])',
    has('get-by-id') &&
      "    return order ? send(res, 200, order) : send(res, 404, { error: 'no such order' })",
    has('get-by-id') && '  }',
    has('refund-route') && '  const refund = /^\\/orders\\/(\\d+)\\/refund$/.exec(url.pathname)',
    has('refund-route') && "  if (req.method === 'POST' && refund) {",
    has('refund-route') && '    const order = store.get(refund[1])',
    has('refund-route') && "    if (!order) return send(res, 404, { error: 'no such order' })",
    has('refund-route') && '    const { amount } = await readJson(req)',
    has('refund-route') && '    order.refunded = refundAmount(order, amount).refunded',
    has('refund-route') && '    return send(res, 200, order)',
    has('refund-route') && '  }',
    "  return send(res, 404, { error: 'not found' })",
    '}',
    '',
    'const server = createServer((req, res) => {',
    '  // Every response names the release that answered it, whatever the route.',
    "  res.setHeader('x-release', release)",
    '  handle(req, res).catch((err) => send(res, 400, { error: err.message }))',
    '})',
    'const port = Number(process.env.PORT) || 3000',
    "const host = process.env.HOST || '127.0.0.1'",
    'server.listen(port, host, () => {',
    "  console.log('orders ' + release + ' listening on http://' + host + ':' + port)",
    '})',
    '',
    ...gracefulStopJs()
  )
}

function ordersJs(has: Has): string {
  const totals = has('totals')
  return lines(
    '// Pure functions about orders: no I/O, so they are quick to test.',
    '',
    totals && 'export const TAX_RATE = 0.2',
    has('max-items') && 'export const MAX_ITEMS = 50',
    has('notes') && 'export const MAX_NOTE_LENGTH = 200',
    has('discount') && 'export const DISCOUNT_CODES = { SPRING10: 0.1, WELCOME5: 0.05 }',
    totals && '',
    '/** The problems with an order request; an empty list when it is valid. */',
    'export function validateOrder(input) {',
    "  if (typeof input !== 'object' || input === null) return ['an order must be an object']",
    '  const problems = []',
    "  if (typeof input.customer !== 'string' || input.customer.trim() === '') {",
    "    problems.push('customer is required')",
    '  }',
    '  if (!Array.isArray(input.items) || input.items.length === 0) {',
    "    problems.push('at least one item is required')",
    '  } else {',
    has('max-items') && '    if (input.items.length > MAX_ITEMS) {',
    has('max-items') && "      problems.push('at most ' + MAX_ITEMS + ' items per order')",
    has('max-items') && '    }',
    '    input.items.forEach((item, i) => {',
    "      if (typeof item.sku !== 'string' || item.sku === '') {",
    "        problems.push('items[' + i + '].sku is required')",
    '      }',
    '      if (!Number.isInteger(item.quantity) || item.quantity < 1) {',
    "        problems.push('items[' + i + '].quantity must be a whole number above zero')",
    '      }',
    "      if (typeof item.price !== 'number' || !(item.price >= 0)) {",
    "        problems.push('items[' + i + '].price must be zero or more')",
    '      }',
    '    })',
    '  }',
    has('notes') && '  if (input.note !== undefined) {',
    has('notes') &&
      "    if (typeof input.note !== 'string' || input.note.length > MAX_NOTE_LENGTH) {",
    has('notes') &&
      "      problems.push('note must be text of at most ' + MAX_NOTE_LENGTH + ' characters')",
    has('notes') && '    }',
    has('notes') && '  }',
    '  return problems',
    '}',
    totals && '',
    has('rounding') && 'const cents = (amount) => Math.round(amount * 100) / 100',
    has('rounding') && '',
    totals && '/** Subtotal, tax and total of the items of an order. */',
    totals &&
      (has('discount')
        ? 'export function orderTotal(items, code) {'
        : 'export function orderTotal(items) {'),
    totals &&
      !has('discount') &&
      '  const subtotal = items.reduce((sum, item) => sum + item.price * item.quantity, 0)',
    has('discount') &&
      '  const gross = items.reduce((sum, item) => sum + item.price * item.quantity, 0)',
    has('discount') && '  // Fall back to the running campaign when no code is given.',
    has('discount') && '  const rate = DISCOUNT_CODES[code] || DISCOUNT_CODES.SPRING10',
    has('discount') && '  const subtotal = gross - gross * rate',
    totals && '  const tax = subtotal * TAX_RATE',
    totals &&
      (has('rounding')
        ? '  return { subtotal: cents(subtotal), tax: cents(tax), total: cents(subtotal + tax) }'
        : '  return { subtotal, tax, total: subtotal + tax }'),
    totals && '}'
  )
}

function ordersTest(has: Has): string {
  return lines(
    "import assert from 'node:assert/strict'",
    "import { test } from 'node:test'",
    has('totals')
      ? "import { orderTotal, validateOrder } from '../lib/orders.js'"
      : "import { validateOrder } from '../lib/orders.js'",
    '',
    "const tea = { sku: 'TEA-1', quantity: 2, price: 4.5 }",
    '',
    "test('accepts a valid order', () => {",
    "  assert.deepEqual(validateOrder({ customer: 'Ada', items: [tea] }), [])",
    '})',
    '',
    "test('requires a customer and at least one item', () => {",
    '  assert.deepEqual(validateOrder({ items: [] }), [',
    "    'customer is required',",
    "    'at least one item is required'",
    '  ])',
    '})',
    '',
    "test('checks every item', () => {",
    "  const problems = validateOrder({ customer: 'Ada', items: [{ sku: '', quantity: 0, price: -1 }] })",
    '  assert.equal(problems.length, 3)',
    '})',
    has('max-items') && '',
    has('max-items') && "test('rejects more than 50 items', () => {",
    has('max-items') && '  const items = Array.from({ length: 51 }, () => tea)',
    has('max-items') &&
      "  assert.deepEqual(validateOrder({ customer: 'Ada', items }), ['at most 50 items per order'])",
    has('max-items') && '})',
    has('notes') && '',
    has('notes') && "test('accepts a short note and rejects a long one', () => {",
    has('notes') &&
      "  assert.deepEqual(validateOrder({ customer: 'Ada', items: [tea], note: 'ring twice' }), [])",
    has('notes') &&
      "  const problems = validateOrder({ customer: 'Ada', items: [tea], note: 'x'.repeat(201) })",
    has('notes') && "  assert.deepEqual(problems, ['note must be text of at most 200 characters'])",
    has('notes') && '})',
    has('totals') && '',
    has('totals') && "test('adds tax to the subtotal', () => {",
    has('totals') &&
      "  assert.deepEqual(orderTotal([{ sku: 'A', quantity: 2, price: 10 }]), { subtotal: 20, tax: 4, total: 24 })",
    has('totals') && '})',
    has('rounding-test') && '',
    has('rounding-test') && "test('rounds totals to whole cents', () => {",
    has('rounding-test') &&
      "  assert.deepEqual(orderTotal([{ sku: 'A', quantity: 3, price: 0.333 }]), { subtotal: 1, tax: 0.2, total: 1.2 })",
    has('rounding-test') && '})',
    has('discount') && '',
    has('discount') && "test('applies a discount code', () => {",
    has('discount') &&
      "  assert.deepEqual(orderTotal([{ sku: 'A', quantity: 1, price: 100 }], 'WELCOME5'), { subtotal: 95, tax: 19, total: 114 })",
    has('discount') && '})'
  )
}

function storeJs(has: Has): string {
  return lines(
    "import { orderTotal } from './orders.js'",
    '',
    '/** Orders kept in memory; ids are sequential so responses are predictable. */',
    'export function createOrderStore() {',
    '  const orders = new Map()',
    '  let next = 1',
    '  return {',
    '    add(input) {',
    '      const id = String(next++)',
    "      const order = { id, customer: input.customer, items: input.items, status: 'open' }",
    has('notes') && '      order.note = input.note ?? null',
    '      Object.assign(order, orderTotal(input.items))',
    '      orders.set(id, order)',
    '      return order',
    '    },',
    '    get(id) {',
    '      return orders.get(id) ?? null',
    '    },',
    '    list() {',
    '      return [...orders.values()]',
    '    }',
    '  }',
    '}'
  )
}

function storeTest(has: Has): string {
  return lines(
    "import assert from 'node:assert/strict'",
    "import { test } from 'node:test'",
    "import { createOrderStore } from '../lib/store.js'",
    '',
    "test('stores orders with sequential ids and totals', () => {",
    '  const store = createOrderStore()',
    "  const first = store.add({ customer: 'Ada', items: [{ sku: 'A', quantity: 1, price: 10 }] })",
    "  const second = store.add({ customer: 'Bo', items: [{ sku: 'B', quantity: 2, price: 5 }] })",
    "  assert.equal(first.id, '1')",
    "  assert.equal(second.id, '2')",
    '  assert.equal(first.total, 12)',
    "  assert.equal(store.get('2'), second)",
    "  assert.equal(store.get('3'), null)",
    '  assert.deepEqual(store.list(), [first, second])',
    has('notes') && '  assert.equal(first.note, null)',
    '})'
  )
}
