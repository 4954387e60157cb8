import assert from 'node:assert/strict'
import { test } from 'node:test'
// @if totals
import { orderTotal, validateOrder } from '../lib/orders.js'
// @else
// import { validateOrder } from '../lib/orders.js'
// @end

const tea = { sku: 'TEA-1', quantity: 2, price: 4.5 }

test('accepts a valid order', () => {
  assert.deepEqual(validateOrder({ customer: 'Ada', items: [tea] }), [])
})

test('requires a customer and at least one item', () => {
  assert.deepEqual(validateOrder({ items: [] }), [
    'customer is required',
    'at least one item is required'
  ])
})

test('checks every item', () => {
  const problems = validateOrder({ customer: 'Ada', items: [{ sku: '', quantity: 0, price: -1 }] })
  assert.equal(problems.length, 3)
})
// @if max-items

test('rejects more than 50 items', () => {
  const items = Array.from({ length: 51 }, () => tea)
  assert.deepEqual(validateOrder({ customer: 'Ada', items }), ['at most 50 items per order'])
})
// @end
// @if notes

test('accepts a short note and rejects a long one', () => {
  assert.deepEqual(validateOrder({ customer: 'Ada', items: [tea], note: 'ring twice' }), [])
  const problems = validateOrder({ customer: 'Ada', items: [tea], note: 'x'.repeat(201) })
  assert.deepEqual(problems, ['note must be text of at most 200 characters'])
})
// @end
// @if totals

test('adds tax to the subtotal', () => {
  assert.deepEqual(orderTotal([{ sku: 'A', quantity: 2, price: 10 }]), { subtotal: 20, tax: 4, total: 24 })
})
// @end
// @if rounding-test

test('rounds totals to whole cents', () => {
  assert.deepEqual(orderTotal([{ sku: 'A', quantity: 3, price: 0.333 }]), { subtotal: 1, tax: 0.2, total: 1.2 })
})
// @end
// @if discount

test('applies a discount code', () => {
  assert.deepEqual(orderTotal([{ sku: 'A', quantity: 1, price: 100 }], 'WELCOME5'), { subtotal: 95, tax: 19, total: 114 })
})
// @end
