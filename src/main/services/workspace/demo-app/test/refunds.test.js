import assert from 'node:assert/strict'
import { test } from 'node:test'
import { refundAmount } from '../lib/refunds.js'

test('refunds up to the total, in parts', () => {
  const order = { total: 24 }
  assert.deepEqual(refundAmount(order, 4), { refunded: 4, remaining: 20 })
  assert.deepEqual(refundAmount({ total: 24, refunded: 4 }, 20), { refunded: 24, remaining: 0 })
})

test('refuses more than what is left, and non-positive amounts', () => {
  assert.throws(() => refundAmount({ total: 24, refunded: 20 }, 5), /at most 4.00/)
  assert.throws(() => refundAmount({ total: 24 }, 0), RangeError)
  assert.throws(() => refundAmount({ total: 24 }, '3'), RangeError)
})
