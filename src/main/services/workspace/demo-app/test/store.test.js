import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createOrderStore } from '../lib/store.js'

test('stores orders with sequential ids and totals', () => {
  const store = createOrderStore()
  const first = store.add({ customer: 'Ada', items: [{ sku: 'A', quantity: 1, price: 10 }] })
  const second = store.add({ customer: 'Bo', items: [{ sku: 'B', quantity: 2, price: 5 }] })
  assert.equal(first.id, '1')
  assert.equal(second.id, '2')
  assert.equal(first.total, 12)
  assert.equal(store.get('2'), second)
  assert.equal(store.get('3'), null)
  assert.deepEqual(store.list(), [first, second])
  // @if notes
  assert.equal(first.note, null)
  // @end
})
