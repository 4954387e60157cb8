import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ordersToCsv } from '../lib/csv.js'

test('writes a header and quotes awkward names', () => {
  const csv = ordersToCsv([{ id: '1', customer: 'Smith, "Jo"', items: [{}], total: 12 }])
  assert.equal(csv, 'id,customer,items,total\n1,"Smith, ""Jo""",1,12.00\n')
})
