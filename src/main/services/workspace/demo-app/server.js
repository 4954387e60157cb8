import { createServer } from 'node:http'
// @if release
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
// @end
// @if csv
import { ordersToCsv } from './lib/csv.js'
// @end
// @if endpoints
import { validateOrder } from './lib/orders.js'
// @end
// @if refund-route
import { refundAmount } from './lib/refunds.js'
// @end
// @if release
import { readRelease } from './lib/release.js'
// @end
// @if endpoints
import { createOrderStore } from './lib/store.js'
// @end

// @if release
// The build writes RELEASE next to this file; a checkout reports $SLIPWAY_RELEASE or "dev".
const release = readRelease(dirname(fileURLToPath(import.meta.url)))
// @else
// // The release id this process serves, so a deployment can be verified from outside.
// const release = process.env.SLIPWAY_RELEASE || 'dev'
// @end
// @if endpoints
const store = createOrderStore()
// @end
// Set by a graceful stop (SIGTERM).
let stopping = false

function send(res, status, body) {
  // Stopping: this answer is the connection's last (the client opens a new one elsewhere).
  if (stopping) res.setHeader('connection', 'close')
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}

// @if endpoints
function readJson(req) {
  return new Promise((resolve, reject) => {
    let data = ''
    req.setEncoding('utf8')
    req.on('data', (chunk) => {
      data += chunk
      if (data.length > 100000) reject(new Error('request body too large'))
    })
    req.on('end', () => {
      try {
        resolve(data ? JSON.parse(data) : {})
      } catch {
        reject(new Error('request body is not JSON'))
      }
    })
    req.on('error', reject)
  })
}

// @end
async function handle(req, res) {
  const url = new URL(req.url || '/', 'http://localhost')
  if (req.method === 'GET' && url.pathname === '/health') {
    return send(res, 200, { status: 'ok', release })
  }
  // @if endpoints
  if (url.pathname === '/orders') {
    if (req.method === 'GET') return send(res, 200, store.list())
    if (req.method === 'POST') {
      const input = await readJson(req)
      const problems = validateOrder(input)
      if (problems.length > 0) return send(res, 400, { error: 'invalid order', problems })
      return send(res, 201, store.add(input))
    }
  }
  // @end
  // @if csv
  if (req.method === 'GET' && url.pathname === '/orders.csv') {
    res.writeHead(200, { 'content-type': 'text/csv' })
    return res.end(ordersToCsv(store.list()))
  }
  // @end
  // @if get-by-id
  const byId = /^\/orders\/(\d+)$/.exec(url.pathname)
  if (req.method === 'GET' && byId) {
    const order = store.get(byId[1])
    return order ? send(res, 200, order) : send(res, 404, { error: 'no such order' })
  }
  // @end
  // @if refund-route
  const refund = /^\/orders\/(\d+)\/refund$/.exec(url.pathname)
  if (req.method === 'POST' && refund) {
    const order = store.get(refund[1])
    if (!order) return send(res, 404, { error: 'no such order' })
    const { amount } = await readJson(req)
    order.refunded = refundAmount(order, amount).refunded
    return send(res, 200, order)
  }
  // @end
  return send(res, 404, { error: 'not found' })
}

const server = createServer((req, res) => {
  // Every response names the release that answered it, whatever the route.
  res.setHeader('x-release', release)
  handle(req, res).catch((err) => send(res, 400, { error: err.message }))
})
const port = Number(process.env.PORT) || 3000
const host = process.env.HOST || '127.0.0.1'
server.listen(port, host, () => {
  console.log('orders ' + release + ' listening on http://' + host + ':' + port)
})

// A graceful stop (restart.sh sends SIGTERM): accept no new connection, close the idle ones,
// finish the requests in flight (answered with Connection: close), then exit; after 10 s
// whatever is left is cut off.
function stop(signal) {
  if (stopping) return
  stopping = true
  console.log('orders ' + release + ': ' + signal + ', finishing the requests in flight')
  server.close(() => process.exit(0))
  server.closeIdleConnections()
  setTimeout(() => {
    console.log('orders ' + release + ': requests still open after 10 s, exiting')
    process.exit(1)
  }, 10000).unref()
}
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => stop(signal))
